/** IANA time-zone checks shared by the settings, the metric validation and the rollups (Intl only, no database). */

const knownZones = new Map<string, boolean>();
/** Lower-cased names of the zones the database knows, once the server has read them (useDatabaseTimeZones). */
let databaseZones: Set<string> | undefined;

/**
 * Restricts isValidTimeZone to zones the database knows as well (pg_timezone_names): PostgreSQL's tz database can lag
 * or lead Node's (Node knows US/Pacific-New, PostgreSQL 15 does not), and a zone only Node knows failed in SQL.
 */
export function useDatabaseTimeZones(names: Iterable<string>): void {
  databaseZones = new Set([...names].map((n) => n.toLowerCase()));
  knownZones.clear();
}

/** True when the name is an IANA time zone this runtime knows, and the database too once its zones are read. */
export function isValidTimeZone(name: string): boolean {
  if (!name || name.length > 64) return false;
  // Building a DateTimeFormat costs tens of microseconds, and a dashboard validates the same zone for every field.
  let known = knownZones.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      known = !databaseZones || databaseZones.has(name.toLowerCase());
    } catch {
      known = false;
    }
    if (knownZones.size > 1000) knownZones.clear();
    knownZones.set(name, known);
  }
  return known;
}

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
export function wholeHourOffsets(timezone: string, period: { from: Date; to: Date }, stepMs = DAY_MS): boolean {
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
    return wholeHourOffsets(timezone, { from: new Date('1990-01-01T00:00:00Z'), to: new Date('2040-01-01T00:00:00Z') }, 7 * DAY_MS);
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
