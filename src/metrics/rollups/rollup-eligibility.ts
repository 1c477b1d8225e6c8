import type { SegmentFilter, Dimension } from '../dimensions';
import type { HoursMode, MetricDefinition } from '../metric-definition';
import type { Granularity, Period } from '../period';
import type { RollupTable } from './rollup-tables';

/** How a statement groups its rows (the shape rollup eligibility depends on). */
export type RollupGrouping = { kind: 'total' } | { kind: 'series'; timezone: string; granularity: Granularity } | { kind: 'breakdown'; dimension: Dimension };

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const offsetFormats = new Map<string, Intl.DateTimeFormat>();
const wholeHourCache = new Map<string, boolean>();

/** UTC offset of a zone at an instant, in minutes. */
function offsetMinutes(timezone: string, at: Date): number {
  let format = offsetFormats.get(timezone);
  if (!format) offsetFormats.set(timezone, (format = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })));
  const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/**
 * True when the zone's offset is a whole number of hours throughout the period (checked daily), so every UTC hour lies
 * in exactly one local bucket. Zones such as Asia/Kolkata (+05:30) read the raw tables.
 */
export function wholeHourOffsets(timezone: string, period: Period, stepMs = DAY_MS): boolean {
  const key = `${timezone}|${period.from.getTime()}|${period.to.getTime()}|${stepMs}`;
  let ok = wholeHourCache.get(key);
  if (ok === undefined) {
    ok = true;
    for (let t = period.from.getTime(); ok && t <= period.to.getTime() + stepMs; t += stepMs) ok = offsetMinutes(timezone, new Date(t)) % 60 === 0;
    if (wholeHourCache.size > 10_000) wholeHourCache.clear();
    wholeHourCache.set(key, ok);
  }
  return ok;
}

/** True when the zone's offsets are whole hours on every day of 1990–2040 (weekly samples): its days are sums of UTC hours. */
export function hasWholeHourOffsets(timezone: string): boolean {
  try {
    return wholeHourOffsets(timezone, { from: new Date('1990-01-01T00:00:00Z'), to: new Date('2040-01-01T00:00:00Z'), timezone }, 7 * DAY_MS);
  } catch {
    return false;
  }
}

const midnightCache = new Map<string, boolean>();

/** True when the instant is a midnight in the zone. */
export function isLocalMidnight(timezone: string, at: Date): boolean {
  // Every grouping of every metric asks about the same few instants; Intl's offset lookup is the expensive part.
  const key = `${timezone}|${at.getTime()}`;
  let midnight = midnightCache.get(key);
  if (midnight === undefined) {
    const offsetMs = offsetMinutes(timezone, at) * 60_000;
    midnight = (at.getTime() + offsetMs) % DAY_MS === 0;
    if (midnightCache.size > 10_000) midnightCache.clear();
    midnightCache.set(key, midnight);
  }
  return midnight;
}

/** A rollup and the grain a query reads it at. */
export interface RollupChoice {
  table: RollupTable;
  grain: 'hour' | 'day';
}

/**
 * The rollup that can answer these metrics exactly for this period, filter and grouping, or null for the raw tables:
 * every metric has a rollup formula on the same table, elapsed time is on the calendar, every filtered or grouped
 * dimension is a rollup column, and no median or percentile is asked for (those are computed exactly from the raw rows).
 * The daily rows serve periods from one midnight of the rollup zone to another (series only in that zone, by day or
 * coarser); the hourly rows serve periods on whole UTC hours (series only in zones with whole-hour offsets).
 */
export function rollupFor(
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  grouping: RollupGrouping,
  hours: HoursMode,
  percentiles: boolean,
  rollupTimezone = 'UTC',
): RollupChoice | null {
  const table = metrics[0]?.rollup?.table;
  if (!table || percentiles || hours !== 'calendar') return null;
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
