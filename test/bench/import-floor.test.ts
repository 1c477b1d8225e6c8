import { Pool } from 'pg';
import { FLOOR_TABLES, measureImportFloor } from '../../bench/import-floor';
import { demoSource } from '../../src/demo/demo-source';
import { importDataset } from '../../src/import/import-dataset';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// The bench's import floor copies with COPY FROM STDIN, which the embedded PGlite's socket does not pass: the bench
// runs on PostgreSQL only, and so does this test.
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('the import floor', () => {
  let db: TestDatabase;
  let pool: Pool;
  let schema: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    await importDataset(db.dataSource, demoSource({ tickets: 400, seed: 5, days: 60 }), { batchSize: 100 });
    [{ schema }] = await db.dataSource.query('SELECT current_schema() AS schema');
    pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.destroy();
  });

  /** Index definitions of a schema's contract tables, without the schema's name, per table. */
  const indexDefinitions = async (on: { query: Pool['query'] }, inSchema: string) =>
    (
      await on.query(
        `SELECT c.relname || ': ' || regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', '') AS d
           FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
          WHERE c.relnamespace = $1::regnamespace AND c.relname = ANY ($2) ORDER BY 1`,
        [inSchema, FLOOR_TABLES],
      )
    ).rows.map((r: { d: string }) => r.d);

  /** Foreign keys of a schema's contract tables, as defined, per table, without the schema's name (of the referenced table). */
  const foreignKeyDefinitions = async (on: { query: Pool['query'] }, inSchema: string) =>
    (
      await on.query(
        `SELECT c.relname || ' ' || replace(pg_get_constraintdef(k.oid), $3 || '.', '') AS d FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
          WHERE k.connamespace = $1::regnamespace AND k.contype = 'f' AND c.relname = ANY ($2) ORDER BY 1`,
        [inSchema, FLOOR_TABLES, inSchema],
      )
    ).rows.map((r: { d: string }) => r.d);

  it('copies every row of every table and gives the copies the same indexes, keys and foreign keys', async () => {
    let seen: { rowsDiffering: number; indexes: string[]; foreignKeys: string[] } | undefined;
    const floor = await measureImportFloor(pool, {
      schema,
      inspect: async (client, floorSchema) => {
        let rowsDiffering = 0;
        for (const t of FLOOR_TABLES) {
          const [a, b] = [`"${schema}"."${t}"`, `"${floorSchema}"."${t}"`];
          const diff = await client.query(
            `SELECT count(*)::int AS n FROM ((SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}) UNION ALL (SELECT * FROM ${b} EXCEPT ALL SELECT * FROM ${a})) d`,
          );
          rowsDiffering += diff.rows[0].n;
        }
        seen = { rowsDiffering, indexes: await indexDefinitions(client, floorSchema), foreignKeys: await foreignKeyDefinitions(client, floorSchema) };
      },
    });
    expect(seen).toBeDefined();
    expect(seen!.rowsDiffering).toBe(0);
    const originalIndexes = await indexDefinitions(pool, schema);
    expect(originalIndexes.length).toBeGreaterThan(20);
    expect(seen!.indexes).toEqual(originalIndexes);
    expect(floor.indexes).toBe(originalIndexes.length);
    // The copies' foreign keys are the originals', each pointing at the copies: never at the original schema.
    const originalFks = await foreignKeyDefinitions(pool, schema);
    expect(originalFks.length).toBeGreaterThan(0);
    expect(seen!.foreignKeys).toEqual(originalFks);
    expect(floor.foreignKeys).toBe(originalFks.length);
    expect(seen!.foreignKeys.every((d) => !d.includes(schema))).toBe(true);

    for (const t of floor.tables) {
      const [{ n }] = await db.dataSource.query(`SELECT count(*)::int AS n FROM "${t.table}"`);
      expect({ table: t.table, rows: t.rows }).toEqual({ table: t.table, rows: n });
    }
    expect(floor.tables.map((t) => t.table)).toEqual([...FLOOR_TABLES]);
    expect(floor.tickets).toBe(400);
    expect(floor.ticketsPerSecond).toBeCloseTo(400 / floor.seconds, 6);
    expect(floor.seconds).toBeGreaterThanOrEqual(floor.copySeconds + floor.indexSeconds + floor.foreignKeySeconds);
  });

  it('leaves no copies behind, also when it fails', async () => {
    await expect(
      measureImportFloor(pool, {
        schema,
        inspect: async () => {
          throw new Error('stop here');
        },
      }),
    ).rejects.toThrow('stop here');
    const left = await pool.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'bench\\_import\\_floor\\_%'`);
    expect(left.rows).toEqual([]);
  });

  it('names the schema and the tables it lacks', async () => {
    await expect(measureImportFloor(pool, { schema: 'no_such_schema_here' })).rejects.toThrow(
      'import floor: schema no_such_schema_here has no table customers, agents, tickets, messages, surveys, orders, agent_activity, sla_policies',
    );
  });
});
