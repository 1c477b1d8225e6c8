import { createMetricLoaders, type MetricValue } from '../../src/metrics/metric-loaders';
import type { Period } from '../../src/metrics/period';
import { METRICS } from '../../src/metrics/registry';
import { REBUILD_ALL_ROLLUPS_SQL } from '../../src/metrics/rollups/rollup-refresh';
import { ROLLUP_TABLES } from '../../src/metrics/rollups/rollup-tables';
import { recordingExecutor, useAcceptanceDatabase } from '../support/acceptance-database';

/**
 * While the rollups wait for a rebuild (a sync's first backfill commits its records before the one rebuild at its end),
 * they may be empty or stale: every metric is then read from the raw tables, so a dashboard shows the committed data,
 * only slower. Once rebuilt, the rollups answer again.
 */
describe('metrics while the rollups wait for a rebuild', () => {
  const database = useAcceptanceDatabase();
  const period: Period = { from: new Date('2024-12-01T00:00:00Z'), to: new Date('2025-06-01T00:00:00Z'), timezone: 'UTC' };
  const statements: string[] = [];
  const sql = recordingExecutor(database, statements);
  const rolled = METRICS.filter((m) => m.rollup);

  /** Every rollup-backed metric's total (with percentiles for durations) and channel breakdown, as one request loads them. */
  async function answer(rollups: boolean) {
    const loaders = createMetricLoaders(sql, null, 0, { enabled: rollups, timezone: 'UTC' });
    return Promise.all(
      rolled.map(async (metric) => {
        const base = { metric, period, filter: {}, hours: 'calendar' as const, percentiles: true };
        const total: MetricValue = await loaders.values.load(base);
        const breakdown = await loaders.breakdowns.load({ ...base, dimension: 'channel' });
        return { metric: metric.name, total, breakdown: breakdown.map((b) => [b.segment, b.value, b.sampleSize]) };
      }),
    );
  }

  it('reads the raw tables until the rebuild, then the rollups again', async () => {
    const q = (text: string) => database().dataSource.query(text);
    const raw = await answer(false);
    expect(raw.some((r) => (r.total.sampleSize ?? 0) > 0)).toBe(true);

    // The state a first backfill leaves between its commits: a full rebuild pending, the rollups not yet built.
    await q(REBUILD_ALL_ROLLUPS_SQL);
    for (const t of ROLLUP_TABLES) for (const table of [t.name, `${t.name}_daily`]) await q(`DELETE FROM ${table}`);
    statements.length = 0;
    expect(await answer(true)).toEqual(raw);
    expect(statements.filter((s) => /_rollup/.test(s))).toEqual([]);

    await q('SELECT refresh_rollups()');
    statements.length = 0;
    const rebuilt = await answer(true);
    expect(statements.some((s) => /_rollup/.test(s))).toBe(true);
    expect(rebuilt.map((r) => [r.metric, r.total.sampleSize, r.breakdown.length])).toEqual(
      raw.map((r) => [r.metric, r.total.sampleSize, r.breakdown.length]),
    );
  }, 300_000);
});
