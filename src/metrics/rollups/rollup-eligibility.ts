import type { SegmentFilter, Dimension } from '../dimensions';
import type { HoursMode, MetricDefinition } from '../metric-definition';
import type { Period } from '../period';
import type { RollupTable } from './rollup-tables';

/** How a statement groups its rows (the shape rollup eligibility depends on). */
export type RollupGrouping = { kind: 'total' } | { kind: 'series'; timezone: string } | { kind: 'breakdown'; dimension: Dimension };

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
export function wholeHourOffsets(timezone: string, period: Period): boolean {
  const key = `${timezone}|${period.from.getTime()}|${period.to.getTime()}`;
  let ok = wholeHourCache.get(key);
  if (ok === undefined) {
    ok = true;
    for (let t = period.from.getTime(); ok && t <= period.to.getTime() + DAY_MS; t += DAY_MS) ok = offsetMinutes(timezone, new Date(t)) % 60 === 0;
    if (wholeHourCache.size > 10_000) wholeHourCache.clear();
    wholeHourCache.set(key, ok);
  }
  return ok;
}

/**
 * The rollup that can answer these metrics exactly for this period, filter and grouping, or null for the raw tables:
 * every metric has a rollup formula on the same table, elapsed time is on the calendar, the period starts and ends on
 * whole UTC hours, every filtered or grouped dimension is a rollup column, series buckets fall on whole hours, and no
 * median or percentile is asked for (those are computed exactly from the raw rows).
 */
export function rollupFor(
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  grouping: RollupGrouping,
  hours: HoursMode,
  percentiles: boolean,
): RollupTable | null {
  const table = metrics[0]?.rollup?.table;
  if (!table || percentiles || hours !== 'calendar') return null;
  if (!metrics.every((m) => m.rollup?.table === table)) return null;
  if (period.from.getTime() % HOUR_MS !== 0 || period.to.getTime() % HOUR_MS !== 0) return null;
  if (!(Object.keys(filter) as Dimension[]).every((d) => table.dimensions.includes(d))) return null;
  if (grouping.kind === 'breakdown' && !table.dimensions.includes(grouping.dimension)) return null;
  if (grouping.kind === 'series' && !wholeHourOffsets(grouping.timezone, period)) return null;
  return table;
}
