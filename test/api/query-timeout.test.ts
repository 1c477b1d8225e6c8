import { GraphQLError } from 'graphql';
import { ErrorCode, formatError } from '../../src/api/errors';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

describe('a statement stopped by the statement timeout', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.destroy());

  // The embedded PGlite has no timers: it never stops a statement, so only PostgreSQL can produce the error.
  const onPostgres = process.env.DATABASE_URL ? it : it.skip;

  onPostgres('reaches the caller as QUERY_TIMEOUT with advice, not as an internal error', async () => {
    // A real timeout from the database, as the metric loaders would receive it.
    const failure = await db.dataSource
      .transaction(async (m) => {
        await m.query(`SET LOCAL statement_timeout = '50ms'`);
        await m.query('SELECT pg_sleep(5)');
      })
      .then(
        () => undefined,
        (err: unknown) => err,
      );
    expect(failure).toBeDefined();
    const wrapped = new GraphQLError((failure as Error).message, { originalError: failure as Error, path: ['metric'] });
    const formatted = formatError({ message: wrapped.message, path: ['metric'] }, wrapped);
    expect(formatted.extensions).toEqual({ code: ErrorCode.QUERY_TIMEOUT });
    expect(formatted.message).toMatch(/DATABASE_STATEMENT_TIMEOUT_MS/);
    expect(formatted.message).not.toMatch(/pg_sleep|canceling/);
  });

  onPostgres('tells a cancelled statement (a shutdown, an operator) from a timeout', async () => {
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      const [{ pid }] = await runner.query('SELECT pg_backend_pid() AS pid');
      const sleeping = runner.query('SELECT pg_sleep(5)').then(
        () => undefined,
        (err: unknown) => err,
      );
      for (let i = 0; ; i++) {
        const [{ n }] = await db.dataSource.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1 AND query LIKE '%pg_sleep%' AND state = 'active'`,
          [pid],
        );
        if (n > 0 || i > 100) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      await db.dataSource.query('SELECT pg_cancel_backend($1)', [pid]);
      const failure = (await sleeping) as Error;
      const wrapped = new GraphQLError(failure.message, { originalError: failure, path: ['metric'] });
      const formatted = formatError({ message: wrapped.message, path: ['metric'] }, wrapped);
      expect(formatted.extensions).toEqual({ code: ErrorCode.QUERY_CANCELLED });
      expect(formatted.message).not.toMatch(/DATABASE_STATEMENT_TIMEOUT_MS/);
    } finally {
      await runner.release();
    }
  });

  it('leaves other database errors internal', () => {
    const other = Object.assign(new Error('relation "x" does not exist'), { code: '42P01' });
    const formatted = formatError({ message: other.message }, new GraphQLError(other.message, { originalError: other }));
    expect(formatted).toMatchObject({ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } });
  });
});
