import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderSource, importDataset } from '../../src/import';
import type { Dimension, SegmentFilter } from '../../src/metrics/dimensions';
import { isDuration, type MetricDefinition } from '../../src/metrics/metric-definition';
import { createMetricLoaders, type MetricValue } from '../../src/metrics/metric-loaders';
import { buildMetricQueries, type Grouping, type MetricColumns, type StatementGrouping } from '../../src/metrics/metric-query';
import { previousPeriod } from '../../src/metrics/comparison';
import type { Period } from '../../src/metrics/period';
import { METRICS } from '../../src/metrics/registry';
import { ROLLUPS_CURRENT_SQL } from '../../src/metrics/rollups/rollup-refresh';
import { allDims, dimsMask, ROLLUP_TABLES } from '../../src/metrics/rollups/rollup-tables';
import { ACCEPTANCE_DIR, relativeError } from '../support/expected-cases';
import { recordingExecutor, useAcceptanceDatabase } from '../support/acceptance-database';

/**
 * Every metric with a rollup formula, answered from its rollup and from the raw tables, must agree: sample sizes exactly,
 * values to 1e-9 (sums of float seconds may be added in another order). Checked on the acceptance fixture as imported,
 * and again after writes that each move rows between hours or segments (a re-import, a direct UPDATE, a tier change,
 * an SLA policy change, a new message, a deleted survey, a fresh open ticket).
 */
const ROLLED_UP = METRICS.filter((m) => m.rollup);
const FAMILIES = ROLLUP_TABLES.map((t) => ROLLED_UP.filter((m) => m.rollup!.table === t));

const period = (from: string, to: string, timezone = 'UTC'): Period => ({ from: new Date(from), to: new Date(to), timezone });
const GROUPINGS: Grouping[] = [
  { kind: 'total' },
  { kind: 'series', granularity: 'day', timezone: 'America/New_York' },
  { kind: 'series', granularity: 'hour', timezone: 'Europe/Berlin' },
  { kind: 'series', granularity: 'week', timezone: 'UTC' },
  { kind: 'series', granularity: 'month', timezone: 'America/New_York' },
  { kind: 'breakdown', dimension: 'channel' },
  { kind: 'breakdown', dimension: 'product' },
  { kind: 'breakdown', dimension: 'tier' },
];
const FILTERS: SegmentFilter[] = [{}, { product: ['billing'] }, { channel: ['email', 'phone'], tier: ['enterprise', 'free'] }];

type Row = Record<string, unknown>;

// Daily rows are local days of ROLLUP_TIMEZONE: checked in UTC and in a zone with daylight saving time (23- and
// 25-hour days); each zone's periods include local midnights (daily rows) and other whole hours (hourly rows).
const ZONES = [
  {
    zone: 'UTC',
    periods: [period('2024-12-01T00:00:00Z', '2025-06-01T00:00:00Z'), period('2025-03-09T05:00:00Z', '2025-03-20T13:00:00Z')],
  },
  {
    zone: 'America/New_York',
    periods: [period('2025-03-01T05:00:00Z', '2025-04-01T04:00:00Z'), period('2024-12-01T00:00:00Z', '2025-06-01T00:00:00Z')],
  },
];

describe.each(ZONES)('rollup answers equal raw answers (ROLLUP_TIMEZONE=$zone)', ({ zone, periods: PERIODS }) => {
  const database = useAcceptanceDatabase({ ROLLUP_TIMEZONE: zone });
  const grains = new Set<string>();

  /** Every grouping of one family, period and filter: rows per grouping index, from the rollups or the raw tables. */
  async function run(metrics: readonly MetricDefinition[], p: Period, filter: SegmentFilter, groupings: StatementGrouping[], rollups: boolean) {
    const queries = buildMetricQueries(metrics, p, filter, groupings, 'calendar', { percentiles: false, rollups, rollupTimezone: zone });
    const byGrouping = new Map<string, { sql: string; columns: MetricColumns[]; rows: Row[] }>();
    for (const q of queries) {
      const rows: Row[] = await database().dataSource.query(q.sql, q.params);
      q.groupings.forEach((g, gi) =>
        byGrouping.set(JSON.stringify(g), { sql: q.sql, columns: q.columns, rows: rows.filter((r) => Number(r.gi) === gi) }),
      );
    }
    return { statements: queries.length, byGrouping };
  }

  /** Compares every metric of every family over every period, grouping and filter; returns the number of values compared. */
  async function compareAll(groupings = GROUPINGS, { alone = false, filters = FILTERS } = {}): Promise<number> {
    let compared = 0;
    for (const family of FAMILIES) {
      const table = family[0].rollup!.table;
      const applicable = groupings.filter((g) => g.kind !== 'breakdown' || table.dimensions.includes(g.dimension));
      // Together, the groupings share a statement (and the daily subtotal rows of all their dimensions); alone, each
      // reads the subtotal rows of just its own (and the filter's).
      for (const p of PERIODS) {
        for (const filter of filters.filter((f) => (Object.keys(f) as Dimension[]).every((d) => table.dimensions.includes(d)))) {
          for (const statementGroupings of alone ? applicable.map((g) => [g]) : [applicable]) {
            const rolled = await run(family, p, filter, statementGroupings, true);
            const raw = await run(family, p, filter, statementGroupings, false);
            expect(raw.statements).toBe(1);
            for (const grouping of statementGroupings) {
              const a = rolled.byGrouping.get(JSON.stringify(grouping))!;
              const b = raw.byGrouping.get(JSON.stringify(grouping))!;
              expect(a.sql).toMatch(new RegExp(`FROM ${table.name}(_daily)? r`));
              grains.add(a.sql.includes(`FROM ${table.name}_daily r`) ? 'day' : 'hour');
              if (a.sql.includes(`FROM ${table.name}_daily r`)) {
                // The subtotal rows of the filtered and broken-down dimensions, when there are such subtotals.
                const held = [
                  ...Object.keys(filter),
                  ...statementGroupings.flatMap((g) => (g.kind === 'breakdown' ? [g.dimension] : [])),
                ] as Dimension[];
                const subtotalled = held.every((d) => table.subtotalDimensions.includes(d));
                expect(a.sql).toContain(`r.dims = ${subtotalled ? dimsMask(table, held) : allDims(table)}`);
              }
              expect(b.sql).not.toContain('_rollup');
              const key = (row: Row) => String(row.grp ?? row.bucket_local ?? '');
              const rawByKey = new Map(b.rows.map((r) => [key(r), r]));
              for (const row of a.rows) {
                const other = rawByKey.get(key(row)) ?? {};
                for (const c of a.columns) {
                  const where = `${c.metric} ${p.from.toISOString()} ${JSON.stringify(grouping)} ${JSON.stringify(filter)} ${key(row)}`;
                  expect([where, Number(row[c.sampleSize!] ?? 0)]).toEqual([where, Number(other[c.sampleSize!] ?? 0)]);
                  const x = row[c.value!] as number | null;
                  const y = (other[c.value!] ?? null) as number | null;
                  if (y === null) expect([where, x]).toEqual([where, null]);
                  else expect([where, relativeError(x!, y) <= 1e-9]).toEqual([where, true]);
                  compared++;
                }
              }
              // A breakdown segment or bucket present on one side only would be missed by the loop above.
              expect(new Set(a.rows.map(key))).toEqual(new Set(b.rows.map(key)));
              expect(a.rows.length).toBeGreaterThan(0);
            }
          }
        }
      }
    }
    return compared;
  }

  it('on the acceptance fixture as imported, for every metric that has a rollup', async () => {
    expect(ROLLED_UP.map((m) => m.name).sort()).toEqual(
      expect.arrayContaining(['ticketVolume', 'firstResponseTime', 'slaComplianceResolution', 'averageHandleTime', 'csat', 'nps']),
    );
    expect(await compareAll()).toBeGreaterThan(1000);
    expect([...grains].sort()).toEqual(['day', 'hour']);
  }, 300_000);

  it("with totals over other periods in the statement of a period (a comparison's previous period)", async () => {
    let compared = 0;
    for (const family of FAMILIES) {
      for (const filter of [{}, { product: ['billing'] }]) {
        // The previous period (daily rows, or hourly ones where the zone's midnights do not line up) and a period of hourly rows.
        const others = [previousPeriod(PERIODS[0]), PERIODS.find((p) => p !== PERIODS[0])!];
        const groupings: StatementGrouping[] = [
          { kind: 'total' },
          { kind: 'breakdown', dimension: 'channel' },
          ...others.map((p) => ({ kind: 'periodTotal' as const, period: p })),
        ];
        const rolled = await run(family, PERIODS[0], filter, groupings, true);
        expect(rolled.statements).toBe(1);
        for (const other of others) {
          const a = rolled.byGrouping.get(JSON.stringify({ kind: 'periodTotal', period: other }))!;
          const b = (await run(family, other, filter, [{ kind: 'total' }], false)).byGrouping.get(JSON.stringify({ kind: 'total' }))!;
          expect(a.rows).toHaveLength(1);
          for (const c of a.columns) {
            const where = `${c.metric} ${other.from.toISOString()} ${JSON.stringify(filter)}`;
            expect([where, Number(a.rows[0][c.sampleSize!] ?? 0)]).toEqual([where, Number(b.rows[0]?.[c.sampleSize!] ?? 0)]);
            const y = (b.rows[0]?.[c.value!] ?? null) as number | null;
            const x = a.rows[0][c.value!] as number | null;
            if (y === null) expect([where, x]).toEqual([where, null]);
            else expect([where, relativeError(x!, y) <= 1e-9]).toEqual([where, true]);
            if (Number(a.rows[0][c.sampleSize!] ?? 0) > 0) compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(20);
  }, 300_000);

  it('with each grouping in a statement of its own (the daily subtotal rows of fewer dimensions)', async () => {
    const single = [GROUPINGS[0], GROUPINGS[1], GROUPINGS[5], GROUPINGS[7]];
    // Priority has no subtotals (those statements read the finest rows); product and tier together have.
    const filters: SegmentFilter[] = [{}, { priority: ['high', 'urgent'] }, { product: ['billing'], tier: ['enterprise', 'pro'] }];
    expect(await compareAll(single, { alone: true, filters })).toBeGreaterThan(500);
  }, 300_000);

  it('with medians and p90 beside the sums, as the raw statement gives them all', async () => {
    const statements: string[] = [];
    const reusable: string[] = [];
    const sql = recordingExecutor(database, statements, reusable);
    const durations = METRICS.filter((m) => isDuration(m) && m.rollup);
    expect(durations.length).toBeGreaterThanOrEqual(2);
    const numbers = (v: MetricValue) => [v.sampleSize, v.value, v.median ?? null, v.p90 ?? null];
    const close = (where: string, a: MetricValue, b: MetricValue) => {
      const [x, y] = [numbers(a), numbers(b)];
      expect([where, x[0]]).toEqual([where, y[0]]);
      // Means may differ in the last bits (sums in another order); percentiles are the same values picked alike.
      if (y[1] === null) expect([where, x[1]]).toEqual([where, null]);
      else expect([where, relativeError(x[1]!, y[1]!) <= 1e-9]).toEqual([where, true]);
      expect([where, x[2], x[3]]).toEqual([where, y[2], y[3]]);
    };
    let compared = 0;
    for (const p of PERIODS) {
      for (const filter of [{}, { product: ['billing'] }]) {
        // One request's loaders, as a dashboard's fields load: every duration metric's total and channel breakdown with
        // percentiles, a daily series without them, and ticket volume (a rollup-only metric of the same statement).
        const answer = async (rollups: boolean) => {
          const loaders = createMetricLoaders(sql, null, 0, { enabled: rollups, timezone: zone });
          const base = (metric: MetricDefinition, percentiles: boolean) => ({ metric, period: p, filter, hours: 'calendar' as const, percentiles });
          return Promise.all(
            durations.map(async (m) => ({
              total: await loaders.values.load(base(m, true)),
              breakdown: await loaders.breakdowns.load({ ...base(m, true), dimension: 'channel' }),
              series: await loaders.series.load({ ...base(m, false), granularity: 'day', timezone: zone }),
              volume: await loaders.values.load(
                base(
                  METRICS.find((x) => x.name === 'ticketVolume')!,
                  false,
                ),
              ),
            })),
          );
        };
        statements.length = 0;
        reusable.length = 0;
        const rolled = await answer(true);
        // Sums and percentiles both from the rollups (the sorted durations searched), never from the raw rows.
        expect(statements.some((s) => s.includes('_rollup') && !s.includes('width_bucket'))).toBe(true);
        expect(statements.some((s) => s.includes('width_bucket') && s.includes('array_cat(r.fr_values'))).toBe(true);
        expect(statements.filter((s) => s !== ROLLUPS_CURRENT_SQL).every((s) => s.includes('_rollup'))).toBe(true);
        // Rollup reads may keep their plans between executions; raw reads are planned for each period.
        expect(reusable).toEqual(statements.filter((s) => s !== ROLLUPS_CURRENT_SQL));
        statements.length = 0;
        reusable.length = 0;
        const raw = await answer(false);
        expect(statements.length).toBeGreaterThan(0);
        expect(reusable).toEqual([]);
        rolled.forEach((r, i) => {
          const where = `${durations[i].name} ${p.from.toISOString()} ${JSON.stringify(filter)}`;
          close(`${where} total`, r.total, raw[i].total);
          expect(r.total.median).not.toBeNull();
          expect(r.breakdown.map((b) => b.segment)).toEqual(raw[i].breakdown.map((b) => b.segment));
          r.breakdown.forEach((b, k) => close(`${where} ${b.segment}`, b, raw[i].breakdown[k]));
          expect(r.series.map((b) => b.localStart)).toEqual(raw[i].series.map((b) => b.localStart));
          r.series.forEach((b, k) => close(`${where} ${b.localStart}`, b, raw[i].series[k]));
          close(`${where} volume`, r.volume, raw[i].volume);
          compared += 2 + r.breakdown.length + r.series.length;
        });
      }
    }
    expect(compared).toBeGreaterThan(500);
  }, 300_000);

  it('after writes that move rows between hours and segments, imported or direct', async () => {
    const q = (sql: string, params: unknown[] = []) => database().dataSource.query(sql, params);
    const few = [GROUPINGS[0], GROUPINGS[1], GROUPINGS[4], GROUPINGS[6]];
    // An import that changes three tickets' channel, priority and creation time (the importer refreshes once, before commit).
    const lines = readFileSync(join(ACCEPTANCE_DIR, 'tickets.csv'), 'utf8').trim().split('\n');
    const changed = lines.slice(10, 13).map((line) => {
      const cells = line.split(',');
      cells[2] = 'social';
      cells[4] = 'urgent';
      return cells.join(',');
    });
    const dir = mkdtempSync(join(tmpdir(), 'rollup-'));
    writeFileSync(join(dir, 'tickets.csv'), [lines[0], ...changed].join('\n') + '\n');
    const summary = await importDataset(database().dataSource, folderSource(dir), { sourceName: 'changes' });
    expect(summary.total.updated).toBe(3);
    expect(await compareAll(few)).toBeGreaterThan(300);

    // Direct writes (not through the importer) refresh the rollups per statement.
    await q(`UPDATE tickets SET channel = 'chat', resolved_at = resolved_at + interval '3 days' WHERE external_id IN ('T000000', 'T000003')`);
    await q(`UPDATE customers SET tier = 'enterprise' WHERE external_id = 'C00041'`);
    await q(`DELETE FROM surveys WHERE id IN (SELECT id FROM surveys ORDER BY id LIMIT 5)`);
    await q(`INSERT INTO messages (external_id, ticket_id, author, agent_id, sent_at, handle_seconds)
             SELECT 'M-extra', t.id, 'customer', NULL, t.created_at + interval '1 minute', NULL FROM tickets t WHERE t.external_id = 'T000001'`);
    // A ticket still open whose first-response deadline is an hour away: pending, not yet known.
    await q(
      `INSERT INTO tickets (external_id, channel, product, priority, created_at) VALUES ('T-open', 'email', 'billing', 'high', date_trunc('hour', now()) - interval '30 minutes')`,
    );
    expect(await q('SELECT count(*)::int AS n FROM rollup_dirty_hours')).toEqual([{ n: 0 }]);
    expect(await compareAll(few)).toBeGreaterThan(300);
    // A policy change can move any ticket's SLA outcome: everything is rebuilt.
    await q(`UPDATE sla_policies SET resolution_minutes = 60 WHERE priority = 'high'`);
    expect(await compareAll(few)).toBeGreaterThan(300);
  }, 300_000);
});
