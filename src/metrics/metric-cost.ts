import type { SegmentFilter } from './dimensions';
import { isDuration, type HoursMode, type MetricDefinition } from './metric-definition';
import type { RollupSettings } from './metric-loaders';
import type { Period } from './period';
import { statementFamily } from './metric-query';
import { effectiveFilter, type Scope } from './scope';
import { rollupFor, type RollupGrouping } from './rollups/rollup-eligibility';

/**
 * What reading one metric costs in query-cost units, by the path its statement takes. The rollups hold one row per
 * hour or day and segment, the raw tables one per ticket or event: the benchmark dashboard as hand-written SQL took
 * 905 ms on the raw tables against 10.7 ms on the rollups at 1M tickets (docs/performance.md), and exact medians and
 * business hours always read every record. A read costs, per started 30 days of its period, ROLLUP_READ_COST from the
 * rollups and RAW_READ_COST from the raw tables: below the measured ratio, so a year of raw reads still fits one
 * operation, but far enough apart that raw work is no longer priced like a rollup lookup.
 */
export const ROLLUP_READ_COST = 1;
export const RAW_READ_COST = 40;
export const READ_COST_DAYS = 30;

const DAY_MS = 86_400_000;

/** One metric read as the loaders will run it: the metric, period, filter (before the scope), hours and percentiles. */
export interface MetricRead {
  metric: MetricDefinition;
  period: Period;
  filter: SegmentFilter;
  hours: HoursMode;
  /** Exact median/p90 wanted (from the rollup's durations, or the raw rows when the rollup holds none). */
  percentiles: boolean;
}

/** The settings and caller a read's path depends on. */
export interface ReadSettings {
  rollups: RollupSettings;
  scope: Scope;
}

/**
 * Which path the loaders take for this read in this grouping: 'raw', or the rollup table and grain. Decided by the
 * loaders' own rule (rollupFor, with the caller's scope applied to the filter), so the price follows the real path.
 */
export function readPath(read: MetricRead, grouping: RollupGrouping, settings: ReadSettings): string {
  // Per-bucket metrics (backlog, churn, …) are always computed from the raw tables (buildMetricQueries).
  if (!settings.rollups.enabled || read.metric.sql.kind !== 'event') return 'raw';
  const filter = effectiveFilter(read.filter, settings.scope);
  try {
    const choice = rollupFor([read.metric], read.period, filter, grouping, read.hours, settings.rollups.timezone);
    // A duration's median and p90 come from its rollup's durations where it holds them, else from the raw rows.
    const rawPercentiles = read.percentiles && isDuration(read.metric) && !read.metric.rollup?.values;
    return choice && !rawPercentiles ? `${choice.table.name}/${choice.grain}` : 'raw';
  } catch {
    // An unknown time zone: the resolver refuses it (UNKNOWN_TIMEZONE) before any statement; priced as raw meanwhile.
    return 'raw';
  }
}

/** The price of a read in this grouping: per started 30 days of its period, 1 from a rollup and 40 from the raw tables. */
export function readCost(read: MetricRead, grouping: RollupGrouping, settings: ReadSettings): number {
  const days = Math.max(0, (read.period.to.getTime() - read.period.from.getTime()) / DAY_MS);
  const spans = Math.max(1, Math.ceil(days / READ_COST_DAYS));
  return spans * (readPath(read, grouping, settings) === 'raw' ? RAW_READ_COST : ROLLUP_READ_COST);
}

/**
 * Which statement of a request answers this read in this grouping: the loaders batch every metric of one statement
 * family, period, filter and hours into one statement per path (GROUPING SETS over the same rows), and per-bucket
 * metrics into one per grouping. Reads with the same key are one statement, read once.
 */
export function statementKey(read: MetricRead, grouping: RollupGrouping, settings: ReadSettings): string {
  const path = readPath(read, grouping, settings);
  const { from, to, timezone } = read.period;
  const shape = read.metric.sql.kind === 'event' ? null : grouping;
  return JSON.stringify([statementFamily(read.metric), from.getTime(), to.getTime(), timezone, read.filter, read.hours, path, shape]);
}
