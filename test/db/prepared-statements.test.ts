import { Pool } from 'pg';
import { PreparedStatements, statementName } from '../../src/db/prepared-statements';
import { RequestSnapshot } from '../../src/db/request-snapshot';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Named statements are for PostgreSQL's own connections (the embedded database keeps its statements unnamed).
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('requests as named statements of their connection', () => {
  let db: TestDatabase;
  let pool: Pool;
  beforeAll(async () => {
    db = await createTestDatabase();
    const [{ schema }] = await db.dataSource.query(`SELECT current_schema() AS schema`);
    // One connection, so that every request below runs on the same one until it is closed.
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
    await db.dataSource.query(`CREATE TABLE prepared_probe (a int)`);
    await db.dataSource.query(`INSERT INTO prepared_probe VALUES (1), (2)`);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.destroy();
  });

  const request = async <T>(prepared: PreparedStatements, sql: string, params: unknown[] = [], reusePlan = true): Promise<T[]> => {
    const snapshot = new RequestSnapshot(pool, 1, true, undefined, prepared);
    try {
      return await snapshot.query<T>(sql, params, { reusePlan });
    } finally {
      await snapshot.end();
    }
  };
  const backendPid = async (prepared: PreparedStatements) => (await request<{ pid: number }>(prepared, 'SELECT pg_backend_pid() AS pid'))[0].pid;

  it('parses a text once per connection and runs it with each request’s parameters', async () => {
    const prepared = new PreparedStatements(10);
    const text = 'SELECT $1::int + count(*)::int AS n FROM prepared_probe';
    expect(await request(prepared, text, [1])).toEqual([{ n: 3 }]);
    expect(await request(prepared, text, [40])).toEqual([{ n: 42 }]);
    const rows = await request<{ name: string; runs: number }>(
      prepared,
      'SELECT name, (generic_plans + custom_plans)::int AS runs FROM pg_prepared_statements WHERE statement = $1',
      [text],
    );
    expect(rows).toEqual([{ name: statementName(text), runs: 2 }]);
  });

  it('plans a statement not marked reusable at each execution, unnamed', async () => {
    const prepared = new PreparedStatements(10);
    const text = 'SELECT $1::int * count(*)::int AS n FROM prepared_probe';
    expect(await request(prepared, text, [3], false)).toEqual([{ n: 6 }]);
    expect(await request(prepared, 'SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement = $1', [text])).toEqual([{ n: 0 }]);
  });

  it('closes a connection once it holds as many statements as it may keep', async () => {
    const roomy = new PreparedStatements(10);
    const pid = await backendPid(roomy);
    expect(await backendPid(roomy)).toBe(pid);

    const tight = new PreparedStatements(2);
    await request(tight, 'SELECT 1 AS one');
    expect(await backendPid(tight)).toBe(pid); // its second statement: the connection is closed when handed back
    const next = await backendPid(tight);
    expect(next).not.toBe(pid);
  });

  it('closes a connection whose plans no longer fit a changed table, and the next request works', async () => {
    const prepared = new PreparedStatements(10);
    const pid = await backendPid(prepared);
    expect(await request(prepared, 'SELECT * FROM prepared_probe ORDER BY a')).toEqual([{ a: 1 }, { a: 2 }]);
    await db.dataSource.query(`ALTER TABLE prepared_probe ADD COLUMN b int DEFAULT 0`);
    await expect(request(prepared, 'SELECT * FROM prepared_probe ORDER BY a')).rejects.toThrow(/cached plan must not change result type/);
    expect(await request(prepared, 'SELECT * FROM prepared_probe ORDER BY a')).toEqual([
      { a: 1, b: 0 },
      { a: 2, b: 0 },
    ]);
    expect(await backendPid(prepared)).not.toBe(pid);
  });
});
