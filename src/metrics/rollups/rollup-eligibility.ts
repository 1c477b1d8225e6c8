import type { SegmentFilter, Dimension } from '../dimensions';
import type { HoursMode, MetricDefinition } from '../metric-definition';
import type { Granularity, Period } from '../period';
import type { RollupTable } from './rollup-tables';
import { isLocalMidnight, wholeHourOffsets } from '../../time/time-zones';

/** How a statement groups its rows (the shape rollup eligibility depends on). */
export type RollupGrouping =
  { kind: 'total' } | { kind: 'series'; timezone: string; granularity: Granularity } | { kind: 'breakdown'; dimension: Dimension };

const HOUR_MS = 3_600_000;
/** A rollup and the grain a query reads it at. */
export interface RollupChoice {
  table: RollupTable;
  grain: 'hour' | 'day';
}

/**
 * The rollup that can answer these metrics exactly for this period, filter and grouping, or null for the raw tables:
 * every metric has a rollup formula on the same table, elapsed time is on the calendar, every filtered or grouped
 * dimension is a rollup column (a duration's median and p90 come from the durations its rows keep, in a statement of their own).
 * The daily rows serve periods from one midnight of the rollup zone to another (series only in that zone, by day or
 * coarser); the hourly rows serve periods on whole UTC hours (series only in zones with whole-hour offsets).
 */
export function rollupFor(
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  grouping: RollupGrouping,
  hours: HoursMode,
  rollupTimezone = 'UTC',
): RollupChoice | null {
  const table = metrics[0]?.rollup?.table;
  if (!table || hours !== 'calendar') return null;
  if (!metrics.every((m) => m.rollup?.table === table)) return null;
  if (!(Object.keys(filter) as Dimension[]).every((d) => table.dimensions.includes(d))) return null;
  if (grouping.kind === 'breakdown' && !table.dimensions.includes(grouping.dimension)) return null;
  const daily =
    isLocalMidnight(rollupTimezone, period.from) &&
    isLocalMidnight(rollupTimezone, period.to) &&
    (grouping.kind !== 'series' || (grouping.timezone === rollupTimezone && grouping.granularity !== 'hour'));
  if (daily) return { table, grain: 'day' };
  if (period.from.getTime() % HOUR_MS !== 0 || period.to.getTime() % HOUR_MS !== 0) return null;
  if (grouping.kind === 'series' && !wholeHourOffsets(grouping.timezone, period)) return null;
  return { table, grain: 'hour' };
}
