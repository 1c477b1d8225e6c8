/** Fast ISO-8601 formatting of whole-second instants with a fixed UTC offset, for millions of demo records. */
import { floor } from './fast-math';

/** The offsets demo records are written in (the instants are the same whatever the offset). */
export const OFFSETS = [
  { minutes: 0, suffix: 'Z' },
  { minutes: 60, suffix: '+01:00' },
  { minutes: -300, suffix: '-05:00' },
  { minutes: 330, suffix: '+05:30' },
] as const;

/** Cumulative weights of OFFSETS: mostly Z, then Europe, the US east coast, India. */
export const OFFSET_WEIGHTS = [0.5, 0.2, 0.2, 0.1] as const;

const TWO = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dateCache = new Map<number, string>();

/** YYYY-MM-DD of a day number since 1970-01-01 (cached: a dataset spans a few thousand days). */
export function formatDay(day: number): string {
  let s = dateCache.get(day);
  if (s === undefined) {
    s = new Date(day * 86_400_000).toISOString().slice(0, 10);
    if (dateCache.size < 100_000) dateCache.set(day, s);
  }
  return s;
}

/** `2026-03-01T10:15:00+01:00` for epoch seconds `t` written in OFFSETS[offset]. */
export function formatTimestamp(t: number, offset: number): string {
  const o = OFFSETS[offset];
  const local = t + o.minutes * 60;
  const day = floor(local / 86_400);
  let s = local - day * 86_400;
  const h = floor(s / 3600);
  s -= h * 3600;
  const m = floor(s / 60);
  s -= m * 60;
  return `${formatDay(day)}T${TWO[h]}:${TWO[m]}:${TWO[s]}${o.suffix}`;
}

/** Epoch seconds of midnight UTC of a `YYYY-MM-DD` date, or undefined when it is not a real date. */
export function parseDateToSeconds(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / 1000;
}
