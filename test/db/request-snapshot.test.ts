import { poolOf, RequestSnapshot } from '../../src/db/request-snapshot';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// Many requests at once, each with concurrent statements, on a pool smaller than their demand: every request must
// finish and give back every connection, whatever the timing.
describe('request snapshots under load', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => db?.destroy());

  it('finish every request and leave no connection behind', async () => {
    const pool = poolOf(db.dataSource);
    const exportable = db.kind === 'postgres';
    const perRequest = exportable ? 2 : 1;
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const request = async () => {
      const snapshot = new RequestSnapshot(pool, perRequest, exportable);
      try {
        const answers = await Promise.all(
          Array.from({ length: 6 }, (_, i) => snapshot.query<{ n: number }>(`SELECT $1::int AS n, pg_sleep($2)`, [i, random() * 0.01])),
        );
        return answers.map((rows) => rows[0].n);
      } finally {
        await snapshot.end();
      }
    };
    const results = await Promise.all(Array.from({ length: 25 }, request));
    expect(results).toEqual(Array.from({ length: 25 }, () => [0, 1, 2, 3, 4, 5]));
    expect(pool.waitingCount).toBe(0);
    expect(pool.idleCount).toBe(pool.totalCount);
    const [{ open }] = await db.dataSource.query(
      `SELECT count(*)::int AS open FROM pg_stat_activity WHERE state = 'idle in transaction' AND application_name = $1`,
      [`deskmetrics-${process.pid}`],
    );
    expect(open).toBe(0);
  }, 120_000);

  it('ends cleanly when the response goes out while a statement runs and then fails', async () => {
    const pool = poolOf(db.dataSource);
    const snapshot = new RequestSnapshot(pool, 2, db.kind === 'postgres');
    // Fails only after a moment: 1 / (1 − 1), the divisor read from a sleeping subquery.
    const failing = snapshot.query('SELECT 1 / (SELECT count(*)::int - 1 FROM pg_sleep(0.3)) AS n', []).then(
      () => undefined,
      (err: unknown) => err,
    );
    await new Promise((r) => setTimeout(r, 100));
    await expect(snapshot.end()).resolves.toBeUndefined();
    expect(await failing).toBeInstanceOf(Error);
    expect(pool.idleCount).toBe(pool.totalCount);
  });

  it('a failed statement fails alone and the request goes on', async () => {
    const snapshot = new RequestSnapshot(poolOf(db.dataSource), 2, db.kind === 'postgres');
    try {
      const [bad, good] = await Promise.allSettled([snapshot.query('SELECT 1/0', []), snapshot.query<{ n: number }>('SELECT 2 AS n', [])]);
      expect(bad.status).toBe('rejected');
      expect(good).toEqual({ status: 'fulfilled', value: [{ n: 2 }] });
      expect(await snapshot.query<{ n: number }>('SELECT 3 AS n', [])).toEqual([{ n: 3 }]);
    } finally {
      await snapshot.end();
    }
  });
});
