/** Day arithmetic on YYYY-MM-DD strings (calendar days, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Offset of `zone` from UTC at `instant`, in milliseconds. */
function zoneOffset(instant: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(instant / 1000) * 1000;
}

/** The instant local midnight starts `date` in `zone`, as ISO-8601 (what the API's PeriodInput takes). */
export function startOfDay(date: string, zone: string): string {
  const wall = Date.parse(`${date}T00:00:00Z`);
  let instant = wall - zoneOffset(wall, zone);
  // Once more at the candidate: the offset may differ there (a DST change between UTC and local midnight).
  instant = wall - zoneOffset(instant, zone);
  return new Date(instant).toISOString();
}

/** The API's period for days [from, to) in `zone`. */
export function periodInput(from: string, to: string, zone: string): { from: string; to: string; timezone: string } {
  return { from: startOfDay(from, zone), to: startOfDay(to, zone), timezone: zone };
}

/** The calendar date of `instant` in `zone`. */
export function dateIn(instant: string, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant));
}

/** Whether `zone` is an IANA zone this browser knows. */
export function validZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
