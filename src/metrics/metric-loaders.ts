import DataLoader from 'dataloader';
import type { Dimension, SegmentFilter } from './dimensions';
import type { HoursMode, MetricDefinition } from './metric-definition';
import { buildMetricQueries, statementFamily, type Grouping, type MetricColumns, type StatementGrouping } from './metric-query';
import { assertMetricInScope, assertSourceHonoursScope, effectiveFilter, type Scope } from './scope';
import type { PerBucketSql } from './metric-definition';
import type { Granularity, Period } from './period';
import { createRecordLoader } from './record-loader';
import type { SqlExecutor } from '../db/sql-executor';
import { ROLLUPS_CURRENT_SQL } from './rollups/rollup-refresh';

/** A metric's value and the count of records it was computed from (duration metrics add median and p90). */
export interface MetricValue {
  value: number | null;
  sampleSize: number;
  median?: number | null;
  p90?: number | null;
  /** Left out for a scoped caller: computed from fewer records than its minimum group size (value and size withheld). */
  suppressed: boolean;
}

/**
 * Withholds a value computed from 1 to minGroupSize − 1 records: a scoped caller must not single out a handful of
 * customers or agents, whether through a breakdown, a filter on one segment, a series bucket or a comparison.
 */
export function withhold<T extends MetricValue>(v: T, minGroupSize: number): T {
  if (v.sampleSize > 0 && v.sampleSize < minGroupSize) {
    v.value = null;
    v.sampleSize = 0;
    if ('median' in v) v.median = v.p90 = null;
    v.suppressed = true;
  }
  return v;
}

/**
 * The breakdown rows a scoped caller may see: rows of fewer than minGroupSize records are left out, and when the rows
 * left out add up to fewer than minGroupSize records (so the total minus the shown rows would single them out), the
 * smallest shown rows are left out with them until they do.
 */
export function visibleBreakdownRows<T extends MetricValue>(rows: T[], minGroupSize: number): T[] {
  const present = rows.filter((row) => row.sampleSize > 0);
  if (minGroupSize <= 0) return present;
  const shown = present.filter((row) => row.sampleSize >= minGroupSize).sort((a, b) => a.sampleSize - b.sampleSize);
  let hidden = present.reduce((n, row) => n + (row.sampleSize < minGroupSize ? row.sampleSize : 0), 0);
  while (hidden > 0 && hidden < minGroupSize && shown.length) hidden += shown.shift()!.sampleSize;
  return present.filter((row) => shown.includes(row));
}

/** One bucket of a series: its start in the requested zone (local date-time), its bounds as instants, and the value. */
export interface SeriesBucket extends MetricValue {
  localStart: string;
  start: Date;
  end: Date;
}

/** One row of a breakdown: a segment value (null = records without one) and the metric in that segment. */
export interface BreakdownRow extends MetricValue {
  segment: string | null;
}

/** A request for one metric over one period and filter (the filter already normalised). */
export interface MetricRequest {
  metric: MetricDefinition;
  period: Period;
  filter: SegmentFilter;
  /** Elapsed-time metrics only: calendar or business hours. */
  hours: HoursMode;
  /** Duration metrics: also compute the exact median and p90 (only when a caller selects them: a statement of their own). */
  percentiles?: boolean;
}

export interface SeriesRequest extends MetricRequest {
  granularity: Granularity;
  timezone: string;
}

export interface BreakdownRequest extends MetricRequest {
  dimension: Dimension;
}

/** A bucket bound read as epoch milliseconds (see bucketColumns). */
const fromEpochMs = (v: unknown): Date => new Date(Number(v));

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/**
 * Reads one metric's columns from a result row, applying the metric's value for "no data", onto `out` (a series bucket or
 * breakdown row being built: one object per bucket rather than a value object spread into another).
 */
function readValue<T extends object>(metric: MetricDefinition, row: Record<string, unknown> | undefined, c: MetricColumns, into: T): T & MetricValue {
  const sampleSize = (c.sampleSize && num(row?.[c.sampleSize])) || 0;
  const value = c.value ? num(row?.[c.value]) : null;
  const out = into as T & MetricValue;
  out.value = value === null && sampleSize === 0 ? metric.emptyValue : value;
  out.sampleSize = sampleSize;
  out.suppressed = false;
  if (c.median) {
    out.median = num(row?.[c.median]);
    out.p90 = num(row?.[c.p90!]);
  }
  return out;
}

/** Whether metric queries may read the rollups (METRIC_ROLLUPS), and the zone of the daily rollups (ROLLUP_TIMEZONE). */
export interface RollupSettings {
  enabled: boolean;
  timezone: string;
}

/** One metric in one grouping: what the statement loader batches. */
type GroupedRequest = MetricRequest & { grouping: Grouping };

/** The result rows of a grouped request's grouping and the columns of its metric in them. */
interface GroupedResult {
  rows: Record<string, unknown>[];
  columns: MetricColumns;
}

const filterKeys = new WeakMap<SegmentFilter, string>();

/** A filter's part of a batch or cache key; a request's fields share its filter object, so each is stringified once. */
function filterKey(filter: SegmentFilter): string {
  let key = filterKeys.get(filter);
  if (key === undefined) filterKeys.set(filter, (key = JSON.stringify(filter)));
  return key;
}

/** A period's part of a batch or cache key (a comparison builds a new period object per field, so it is not memoised). */
const periodKey = (p: Period) => `${p.from.getTime()}/${p.to.getTime()}/${p.timezone}`;

/** A grouping's part of a key (JSON where it holds free text, such as a series' time zone). */
function groupingKey(g: StatementGrouping): string {
  if (g.kind === 'total') return 'total';
  if (g.kind === 'periodTotal') return `periodTotal/${periodKey(g.period)}`;
  return g.kind === 'series' ? JSON.stringify(['series', g.granularity, g.timezone]) : JSON.stringify(['breakdown', g.dimension]);
}

/** The rows of each grouping of a statement's result, by the grouping index `gi` they carry. */
function rowsByGrouping(rows: readonly Record<string, unknown>[]): Map<number, Record<string, unknown>[]> {
  const out = new Map<number, Record<string, unknown>[]>();
  for (const row of rows) {
    const gi = Number(row.gi ?? 0);
    const list = out.get(gi);
    if (list) list.push(row);
    else out.set(gi, [row]);
  }
  return out;
}

/** A result row's place in its grouping: its segment or bucket. */
const rowKey = (row: Record<string, unknown>) => `${String(row.grp)}\u0000${String(row.bucket_local)}`;

/**
 * One grouping's result from two statements (a rollup's sums and the raw rows' percentiles): their rows joined by
 * segment or bucket, and the metric's columns from both (a statement's column names are distinct from the other's).
 */
function mergeResults(a: GroupedResult, b: GroupedResult): GroupedResult {
  const rows = a.rows.map((row) => ({ ...row }));
  const byKey = new Map(rows.map((row) => [rowKey(row), row]));
  for (const row of b.rows) {
    const mine = byKey.get(rowKey(row));
    if (mine) Object.assign(mine, row);
    else rows.push(row);
  }
  return { rows, columns: { ...a.columns, ...b.columns } };
}

/** One statement group: requests over its period, and totals over other periods answered in its statements. */
interface Batch {
  requests: GroupedRequest[];
  otherPeriodTotals: GroupedRequest[];
}

/**
 * Sorts the requests into statement groups: one per statement family, period, filter and hours, whatever the grouping
 * (a total, series, breakdowns share statements through GROUPING SETS). With rollups, a group of plain totals over
 * another period (a comparison's previous period) joins a group of the same family, filter and hours whose metrics
 * cover its own, so both periods come from one statement instead of two.
 */
function batchesOf(requests: readonly GroupedRequest[], rollups: RollupSettings): Batch[] {
  const groups = new Map<string, GroupedRequest[]>();
  for (const r of requests) {
    const key = `${statementFamily(r.metric)}\u0000${periodKey(r.period)}\u0000${filterKey(r.filter)}\u0000${r.hours}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }
  const onlyTotals = (group: GroupedRequest[]) => group.every((r) => r.grouping.kind === 'total' && !r.percentiles);
  const batches: Batch[] = [];
  const hosts = new Map<string, Batch>();
  // Groups with series, breakdowns or percentiles first: they are the ones another period's totals join.
  const ordered = [...groups.values()].sort((a, b) => Number(onlyTotals(a)) - Number(onlyTotals(b)));
  for (const group of ordered) {
    const first = group[0];
    const hostKey = `${statementFamily(first.metric)}\u0000${filterKey(first.filter)}\u0000${first.hours}`;
    const host = hosts.get(hostKey);
    if (rollups.enabled && host && onlyTotals(group) && group.every((r) => host.requests.some((h) => h.metric.name === r.metric.name))) {
      host.otherPeriodTotals.push(...group);
      continue;
    }
    const batch: Batch = { requests: group, otherPeriodTotals: [] };
    batches.push(batch);
    if (!host) hosts.set(hostKey, batch);
  }
  return batches;
}

/** Runs the requests' statements, each statement group's concurrently. */
async function runBatch(
  sql: SqlExecutor,
  scope: Scope,
  requests: readonly GroupedRequest[],
  settings: RollupSettings,
  rollupsCurrent: () => Promise<boolean>,
): Promise<GroupedResult[]> {
  // Rollups waiting for a rebuild may be empty or stale: the request then reads the raw tables (in the same snapshot).
  const rollups = settings.enabled && !(await rollupsCurrent()) ? { ...settings, enabled: false } : settings;
  const results = new Map<GroupedRequest, GroupedResult>();
  await Promise.all(
    batchesOf(requests, rollups).map(async ({ requests: group, otherPeriodTotals }) => {
      const first = group[0];
      const metrics = [...new Map(group.map((r) => [r.metric.name, r.metric])).values()];
      // The scope is applied here, below every resolver, so no field can reach data outside it.
      for (const m of metrics) {
        assertMetricInScope(m, scope);
        const sources = m.sql.kind === 'event' ? [m.source] : (m.sql as PerBucketSql).parts.map((p) => p.source);
        sources.forEach((s) => assertSourceHonoursScope(s, scope));
      }
      // What each request is answered by in the statements: its grouping, or the total over its own period.
      const asked = new Map<GroupedRequest, StatementGrouping>([
        ...group.map((r): [GroupedRequest, StatementGrouping] => [r, r.grouping]),
        ...otherPeriodTotals.map((r): [GroupedRequest, StatementGrouping] => [r, { kind: 'periodTotal', period: r.period }]),
      ]);
      const groupings = [...new Map([...asked.values()].map((g) => [groupingKey(g), g])).values()];
      const withPercentiles = new Set(group.filter((r) => r.percentiles).map((r) => groupingKey(r.grouping)));
      const queries = buildMetricQueries(metrics, first.period, effectiveFilter(first.filter, scope), groupings, first.hours, {
        percentiles: (g) => withPercentiles.has(groupingKey(g)),
        rollups: rollups.enabled,
        rollupTimezone: rollups.timezone,
      });
      await Promise.all(
        queries.map(async (q) => {
          const rows = rowsByGrouping(await sql.query<Record<string, unknown>>(q.sql, q.params, { reusePlan: q.reusePlan }));
          const keys = q.groupings.map(groupingKey);
          for (const [r, g] of asked) {
            const gi = keys.indexOf(groupingKey(g));
            const columns = q.columns.find((c) => c.metric === r.metric.name);
            if (gi < 0 || !columns) continue;
            const result = { rows: rows.get(gi) ?? [], columns };
            const earlier = results.get(r);
            results.set(r, earlier ? mergeResults(earlier, result) : result);
          }
        }),
      );
    }),
  );
  return requests.map((r) => results.get(r)!);
}

/** The per-request DataLoaders of metric values, series and breakdowns: fields that can share a statement are batched into it. */
export function createMetricLoaders(
  sql: SqlExecutor,
  scope: Scope = null,
  minGroupSize = 0,
  rollups: RollupSettings = { enabled: true, timezone: 'UTC' },
) {
  let current: Promise<boolean> | undefined;
  const rollupsCurrent = () => (current ??= sql.query<{ current: boolean }>(ROLLUPS_CURRENT_SQL, []).then(([row]) => row.current));
  const statements = new DataLoader<GroupedRequest, GroupedResult, string>((requests) => runBatch(sql, scope, requests, rollups, rollupsCurrent), {
    // Built from the parts' own keys: a dashboard loads through here for every field, and JSON of whole requests showed in profiles.
    cacheKeyFn: (r) =>
      `${JSON.stringify(r.metric.name)}\u0000${periodKey(r.period)}\u0000${filterKey(r.filter)}\u0000${r.hours}\u0000${Boolean(r.percentiles)}\u0000${groupingKey(r.grouping)}`,
  });
  const total = async (r: MetricRequest): Promise<MetricValue> => {
    const { rows, columns } = await statements.load({ ...r, grouping: { kind: 'total' } });
    return readValue(r.metric, rows[0], columns, {});
  };
  const series = async (r: SeriesRequest): Promise<SeriesBucket[]> => {
    const { rows, columns } = await statements.load({ ...r, grouping: { kind: 'series', granularity: r.granularity, timezone: r.timezone } });
    return rows.map((row) =>
      readValue(r.metric, row, columns, {
        localStart: String(row.bucket_local),
        start: fromEpochMs(row.bucket_start_ms),
        end: fromEpochMs(row.bucket_end_ms),
      }),
    );
  };
  const values = { load: async (r: MetricRequest): Promise<MetricValue> => withhold(await total(r), minGroupSize) };
  return {
    values,
    /** The records behind a period's value (drill-down), withheld with it. */
    records: createRecordLoader(sql, scope, minGroupSize, values),
    series: {
      load: async (r: SeriesRequest): Promise<SeriesBucket[]> => (await series(r)).map((b) => withhold(b, minGroupSize)),
    },
    breakdowns: {
      async load(r: BreakdownRequest): Promise<BreakdownRow[]> {
        const { rows, columns } = await statements.load({ ...r, grouping: { kind: 'breakdown', dimension: r.dimension } });
        // A segment where this metric has no records is left out (the statement may hold other metrics' segments).
        return visibleBreakdownRows(
          rows.map((row) => readValue(r.metric, row, columns, { segment: row.grp === null ? null : String(row.grp) })),
          minGroupSize,
        ).sort((a, b) => (a.segment ?? '\uffff').localeCompare(b.segment ?? '\uffff'));
      },
    },
    /**
     * Values and series as computed, for models (forecasts, staffing) that fit on the caller's whole segment and show
     * their own outputs; never returned to a caller as they are.
     */
    modelInputs: { values: { load: total }, series: { load: series } },
    /** The scoped caller's minimum group size (0: nothing is withheld). */
    minGroupSize,
  };
}

export type MetricLoaders = ReturnType<typeof createMetricLoaders>;
