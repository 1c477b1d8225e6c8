import type { Unit } from './gql/graphql';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Seconds as the largest two units that matter: "2 d 4 h", "3 h 12 min", "45 min", "38 s". */
export function duration(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const sign = seconds < 0 ? '−' : '';
  const d = Math.floor(s / 86400),
    h = Math.floor((s % 86400) / 3600),
    m = Math.floor((s % 3600) / 60);
  if (d > 0) return `${sign}${d} d${h ? ` ${h} h` : ''}`;
  if (h > 0) return `${sign}${h} h${m ? ` ${m} min` : ''}`;
  if (m > 0) return `${sign}${m} min`;
  return `${sign}${s} s`;
}

/** A metric value with its unit, as a support lead reads it. */
export function formatValue(value: number | null | undefined, unit: Unit): string {
  if (value === null || value === undefined) return '—';
  switch (unit) {
    case 'COUNT':
      return grouped.format(value);
    case 'SECONDS':
      return duration(value);
    case 'PERCENT':
      return `${oneDecimal.format(value)} %`;
    case 'CURRENCY':
      return twoDecimals.format(value);
    case 'SCORE':
    case 'RATIO':
      return twoDecimals.format(value);
  }
}

/** The change from the previous period: relative when it exists, else in the value's unit ("pp" for percentages). */
export function formatChange(relative: number | null | undefined, absolute: number | null | undefined, unit: Unit): string {
  const sign = (n: number) => (n > 0 ? '+' : n < 0 ? '−' : '±');
  if (relative !== null && relative !== undefined) return `${sign(relative)}${oneDecimal.format(Math.abs(relative))} %`;
  if (absolute === null || absolute === undefined) return 'no previous value';
  if (unit === 'PERCENT') return `${sign(absolute)}${oneDecimal.format(Math.abs(absolute))} pp`;
  return `${sign(absolute)}${formatValue(Math.abs(absolute), unit)}`;
}

export function formatInstant(instant: string, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(new Date(instant));
}

/** A signed difference in the value's unit ("pp" for percentages): drivers' contributions and effects. */
export function formatDelta(delta: number | null | undefined, unit: Unit): string {
  if (delta === null || delta === undefined) return '—';
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  if (unit === 'PERCENT') return `${sign}${oneDecimal.format(Math.abs(delta))} pp`;
  return `${sign}${formatValue(Math.abs(delta), unit)}`;
}

/** A day (the one `instant` falls on in `zone`). */
export function formatDay(instant: string | number, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, dateStyle: 'medium' }).format(new Date(instant));
}

/** A segment's name as the page shows it ("no product" for records without one). */
export function segmentName(segment: string | null, by: string): string {
  return segment === null ? `no ${by}` : segment.toLowerCase();
}
