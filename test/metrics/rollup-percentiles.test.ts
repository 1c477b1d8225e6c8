import { MARKS_FROM, marksSql, PERCENTILES, sortedPercentileCtes, type SortedPercentilesInput } from '../../src/metrics/rollup-percentiles';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * The percentile search over sorted arrays gives exactly what percentile_cont gives over every value, per grouping set:
 * rows of very different sizes and distributions, ties, a segment that is null, one-value rows.
 */
describe('exact percentiles from sorted arrays', () => {
  let db: TestDatabase;
  const q = (sql: string, params?: unknown[]) => db.dataSource.query(sql, params);

  /** A seeded generator (mulberry32), so a failure reproduces. */
  const random = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await q('CREATE TABLE pct_rows (day int NOT NULL, channel text, vals float8[])');
    const next = random(7);
    const channels = ['chat', 'email', 'phone', null];
    const rows: [number, string | null, number[] | null][] = [];
    for (let day = 0; day < 40; day++) {
      for (const channel of channels) {
        // Skewed durations (log-uniform seconds), whole seconds in some rows (ties), a few rows of one value or none.
        const size = day % 13 === 0 ? 1 : Math.floor(next() ** 2 * (channel === 'email' ? 900 : 300));
        const whole = day % 3 === 0;
        const scale = channel === 'chat' ? 60 : channel === 'email' ? 20_000 : 600;
        const vals = Array.from({ length: size }, () => {
          const v = scale * Math.exp(4 * (next() - 0.5));
          return whole ? Math.round(v / 30) * 30 : v;
        }).sort((a, b) => a - b);
        rows.push([day, channel, size ? vals : null]);
      }
    }
    for (const [day, channel, vals] of rows) await q('INSERT INTO pct_rows VALUES ($1, $2, $3)', [day, channel, vals]);
    // The marks daily rollup rows keep (rows of fewer than MARKS_FROM values keep none).
    await q(`ALTER TABLE pct_rows ADD COLUMN marks float8[]`);
    await q(`UPDATE pct_rows SET marks = ${marksSql('vals')}`);
  }, 120_000);

  afterAll(() => db?.destroy());

  const input = (where = 'r.day < 40', marks?: string): SortedPercentilesInput => ({
    marks,
    from: 'pct_rows r',
    column: 'vals',
    keys: [{ index: 0, expr: 'r.channel' }],
    branches: [
      {
        where: [where],
        sets: [
          { gid: 1, holds: [] },
          { gid: 0, holds: [0] },
        ],
      },
    ],
    outputs: PERCENTILES.map((p) => `out_${p.suffix}`),
  });
  const searched = async (i: SortedPercentilesInput) =>
    q(`WITH ${sortedPercentileCtes(i).join(',\n')} SELECT gid, g0, out_median, out_p90 FROM agg ORDER BY gid, g0 NULLS FIRST`);
  const sorted = (where = 'r.day < 40') =>
    q(`SELECT GROUPING(r.channel) AS gid, r.channel AS g0,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS out_median, percentile_cont(0.9) WITHIN GROUP (ORDER BY v) AS out_p90
       FROM pct_rows r CROSS JOIN LATERAL unnest(r.vals) v
       WHERE ${where}
       GROUP BY GROUPING SETS ((), (r.channel)) ORDER BY 1, 2 NULLS FIRST`);

  it('equals percentile_cont over every value, in every grouping set', async () => {
    const expected = await sorted();
    expect(expected.length).toBe(5);
    expect(await searched(input())).toEqual(expected);
    const shares = await q(`WITH ${sortedPercentileCtes(input()).join(',\n')}
      SELECT s.gid, s.k0, cardinality(s.s0)::float8 / a.n AS median, cardinality(s.s1)::float8 / a.n AS p90 FROM sliced s
      JOIN (SELECT gid, k0, sum(cardinality(vals)) AS n FROM pct_rows r CROSS JOIN LATERAL (VALUES (1, NULL), (0, r.channel)) g(gid, k0) WHERE r.day < 40 GROUP BY 1, 2) a
        ON a.gid = s.gid AND a.k0 IS NOT DISTINCT FROM s.k0`);
    // Each channel's rows are alike, so its candidates are close: it sorts a small share of its values. (The total here
    // mixes the channels' rows, unlike a rollup's total, which reads one row per day holding every channel.)
    expect(shares.length).toBe(5);
    for (const s of shares.filter((x: { gid: number }) => x.gid === 0)) {
      expect([s.k0, s.median < 0.05, s.p90 < 0.05]).toEqual([s.k0, true, true]);
    }
  });

  it('equals it over a few rows, and over rows of one value each', async () => {
    for (const where of ['r.day BETWEEN 3 AND 4', 'r.day IN (0, 13, 26)', 'r.day = 5 AND r.channel = $$email$$']) {
      expect([where, await searched(input(where))]).toEqual([where, await sorted(where)]);
    }
  });

  it("equals it when the candidates come from the rows' marks, with the same candidates", async () => {
    const [{ with: withMarks, without }] = await q(
      `SELECT count(*) FILTER (WHERE marks IS NOT NULL) AS with, count(*) FILTER (WHERE vals IS NOT NULL AND marks IS NULL) AS without FROM pct_rows`,
    );
    // Both kinds of rows: marks for large arrays, the array itself for those under MARKS_FROM values.
    expect([Number(withMarks) > 10, Number(without) > 10]).toEqual([true, true]);
    const [{ n }] = await q(`SELECT count(*) AS n FROM pct_rows WHERE (marks IS NULL) <> (cardinality(vals) < ${MARKS_FROM} OR vals IS NULL)`);
    expect(Number(n)).toBe(0);
    for (const where of ['r.day < 40', 'r.day BETWEEN 3 AND 4', 'r.day IN (0, 13, 26)']) {
      expect([where, await searched(input(where, 'marks'))]).toEqual([where, await sorted(where)]);
      const candidates = async (marks?: string) =>
        q(`WITH ${sortedPercentileCtes(input(where, marks)).join(',\n')} SELECT * FROM candidates ORDER BY gid, k0`);
      expect([where, await candidates('marks')]).toEqual([where, await candidates()]);
    }
  });
});
