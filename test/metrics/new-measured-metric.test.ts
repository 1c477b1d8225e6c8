import { TICKETS } from '../../src/metrics/fact-sources';
import { measured } from '../../src/metrics/measured-metric';
import { countMeasure, shareOf, sumMeasure, ratioOf } from '../../src/metrics/measures';
import type { MetricDefinition } from '../../src/metrics/metric-definition';
import { buildMetricQueries, type Grouping } from '../../src/metrics/metric-query';
import type { Period } from '../../src/metrics/period';
import { METRICS } from '../../src/metrics/registry';
import { rebuildPendingRollups } from '../../src/metrics/rollups/rollup-rebuild';
import { installRollupDefinitions } from '../../src/metrics/rollups/rollup-refresh';
import { relativeError } from '../support/expected-cases';
import { useAcceptanceDatabase } from '../support/acceptance-database';

/**
 * Adding a rollup-backed metric is one registry entry: its measures become rollup columns when the rollups are installed
 * (no migration), and the metric is answered from them, equal to its raw answer. Two test-only metrics: one reads a new
 * measure beside an existing one (a share), the other a new sum over the resolved tickets (a mean).
 */
const base = {
  source: TICKETS,
  dimensions: ['channel', 'product', 'tier', 'priority'],
  kind: 'QUANTITATIVE',
  indicator: 'LAGGING',
  emptyValue: null,
} as const;
const resolved = { source: TICKETS, event: 'resolved' } as const;
const RESOLVED = countMeasure({ ...resolved, name: 'resolved_n', description: 'tickets resolved' });

const NEW_METRICS: MetricDefinition[] = [
  {
    ...base,
    name: 'escalatedResolutionShare',
    title: 'Escalated resolution share',
    description: 'Share of resolved tickets that had been escalated.',
    formula: '% of tickets resolved in the period that are escalated',
    unit: 'PERCENT',
    direction: 'LOWER_IS_BETTER',
    ...measured(
      shareOf(
        countMeasure({ ...resolved, name: 'test_escalated_resolved_n', description: 'escalated tickets resolved', filter: () => 'f.escalated' }),
        RESOLVED,
      ),
    ),
  },
  {
    ...base,
    name: 'reopensPerResolution',
    title: 'Reopens per resolution',
    description: 'Mean number of reopens of a resolved ticket.',
    formula: 'mean reopened_count over tickets resolved in the period',
    unit: 'RATIO',
    direction: 'LOWER_IS_BETTER',
    ...measured(
      ratioOf(
        sumMeasure({ ...resolved, name: 'test_reopens', description: 'reopens of resolved tickets', expr: () => 'f.reopened_count' }),
        RESOLVED,
      ),
    ),
  },
];
const NEW_COLUMNS = ['test_escalated_resolved_n', 'test_reopens'];

const PERIOD: Period = { from: new Date('2024-12-01T00:00:00Z'), to: new Date('2025-06-01T00:00:00Z'), timezone: 'UTC' };
const GROUPINGS: Grouping[] = [
  { kind: 'total' },
  { kind: 'series', granularity: 'month', timezone: 'UTC' },
  { kind: 'breakdown', dimension: 'channel' },
];

describe('a new rollup-backed metric is one registry entry', () => {
  const database = useAcceptanceDatabase();

  const columnsOf = async (table: string): Promise<string[]> =>
    (
      await database().dataSource.query(`SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped`, [table])
    ).map((r: { attname: string }) => r.attname);

  async function answers(rollups: boolean) {
    const [q, ...more] = buildMetricQueries(NEW_METRICS, PERIOD, {}, GROUPINGS, 'calendar', { rollups });
    expect(more).toHaveLength(0);
    return { sql: q.sql, columns: q.columns, rows: (await database().dataSource.query(q.sql, q.params)) as Record<string, unknown>[] };
  }

  it('gets its columns from the installer and its answers from the rollups, equal to the raw ones', async () => {
    for (const t of ['ticket_rollup', 'ticket_rollup_daily']) expect(await columnsOf(t)).not.toEqual(expect.arrayContaining([NEW_COLUMNS[0]]));
    await installRollupDefinitions(database().dataSource, 'UTC', [...METRICS, ...NEW_METRICS]);
    await rebuildPendingRollups(database().dataSource);
    for (const t of ['ticket_rollup', 'ticket_rollup_daily']) expect(await columnsOf(t)).toEqual(expect.arrayContaining(NEW_COLUMNS));

    const rolled = await answers(true);
    const raw = await answers(false);
    expect(rolled.sql).toContain('FROM ticket_rollup_daily r');
    expect(rolled.sql).toContain('sum(r.test_escalated_resolved_n)');
    expect(raw.sql).not.toContain('_rollup');
    const key = (r: Record<string, unknown>) => `${r.gi}|${r.grp ?? ''}|${r.bucket_local ?? ''}`;
    const rawRows = new Map(raw.rows.map((r) => [key(r), r]));
    expect(new Set(rolled.rows.map(key))).toEqual(new Set(rawRows.keys()));
    let nonZero = 0;
    for (const row of rolled.rows) {
      const other = rawRows.get(key(row))!;
      for (const c of rolled.columns) {
        const where = `${c.metric} ${key(row)}`;
        expect([where, Number(row[c.sampleSize!])]).toEqual([where, Number(other[c.sampleSize!])]);
        const [x, y] = [row[c.value!] as number | null, other[c.value!] as number | null];
        if (y === null) expect([where, x]).toEqual([where, null]);
        else expect([where, relativeError(x!, y) <= 1e-9]).toEqual([where, true]);
        if (y) nonZero++;
      }
    }
    // Both metrics have non-zero values in some rows: the comparison is not between empty answers.
    expect(nonZero).toBeGreaterThan(10);
  }, 300_000);

  it('every registry metric is defined by measures, or says why it is not', () => {
    for (const m of METRICS) expect([m.name, Boolean(m.measures), Boolean(m.rawOnly)]).toEqual([m.name, !m.rawOnly, !m.measures]);
    // A metric over a fact source with a rollup is answered from it.
    for (const m of METRICS.filter((x) => x.measures && ['tickets', 'agentMessages', 'surveys'].includes(x.source.name)))
      expect([m.name, Boolean(m.rollup)]).toEqual([m.name, true]);
  });

  it('loses its columns again when the entry is removed', async () => {
    await installRollupDefinitions(database().dataSource, 'UTC', METRICS);
    await rebuildPendingRollups(database().dataSource);
    for (const t of ['ticket_rollup', 'ticket_rollup_daily']) expect(await columnsOf(t)).not.toEqual(expect.arrayContaining([NEW_COLUMNS[1]]));
    // The registry's own metrics still read their rollup.
    const [q] = buildMetricQueries(
      METRICS.filter((m) => m.name === 'reopenRate'),
      PERIOD,
      {},
      [{ kind: 'total' }],
      'calendar',
      { rollups: true, percentiles: false },
    );
    const [row] = await database().dataSource.query(q.sql, q.params);
    expect(Number(row[q.columns[0].sampleSize!])).toBeGreaterThan(0);
  }, 300_000);
});
