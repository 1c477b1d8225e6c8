import type { RawValue } from './dataset-source';

/** A cell that passed its type check: the text PostgreSQL receives, and for ordered types a value to compare it by. */
export interface ParsedCell {
  ok: true;
  /** Sent to PostgreSQL as is (timestamps keep their original text, so no precision is lost). */
  text: string;
  /** Whole seconds since the epoch for timestamps, days for dates, the number itself for numbers. */
  order: number;
  /** Microseconds within `order` (timestamps only), so comparisons stay exact far from 1970. */
  orderMicros: number;
}

/** A cell that failed its type check, with a reason fit for the user. */
export interface CellError {
  ok: false;
  reason: string;
}

export type CellResult = ParsedCell | CellError;

/** Checks one non-empty cell of a known type. */
export type CellParser = (raw: Exclude<RawValue, null>) => CellResult;

const fail = (reason: string): CellError => ({ ok: false, reason });
const cell = (text: string, order = 0, orderMicros = 0): ParsedCell => ({ ok: true, text, order, orderMicros });
const show = (raw: Exclude<RawValue, null>): string => JSON.stringify(raw);

/** Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's days_from_civil), exact for any year. */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function checkDate(y: number, m: number, d: number): string | undefined {
  if (y < 1) return 'year must be 0001 or later';
  if (m < 1 || m > 12) return `month ${m} does not exist`;
  if (d < 1 || d > daysInMonth(y, m)) return `day ${d} does not exist in ${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
  return undefined;
}

// ISO-8601 extended format with a required offset; seconds and fractions optional, offsets as Z, ±hh, ±hhmm or ±hh:mm.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)$/;
const LOCAL_TIMESTAMP = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Two ASCII digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * The common shapes `YYYY-MM-DDTHH:MM:SS` + `Z` or `±hh:mm`, without fraction, read without a regular expression
 * (most of an import's cells are timestamps like these). Anything else, including every invalid value, returns
 * undefined and takes the general path, so results and reasons are the same either way.
 */
function parseCommonTimestamp(raw: string): ParsedCell | undefined {
  const n = raw.length;
  if ((n !== 20 && n !== 25) || raw.charCodeAt(4) !== 45 || raw.charCodeAt(7) !== 45 || raw.charCodeAt(10) !== 84) return undefined;
  if (raw.charCodeAt(13) !== 58 || raw.charCodeAt(16) !== 58) return undefined;
  const yh = twoDigits(raw, 0);
  const yl = twoDigits(raw, 2);
  const mo = twoDigits(raw, 5);
  const d = twoDigits(raw, 8);
  const h = twoDigits(raw, 11);
  const mi = twoDigits(raw, 14);
  const sec = twoDigits(raw, 17);
  if (yh < 0 || yl < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return undefined;
  const y = yh * 100 + yl;
  if (y < 1 || d > daysInMonth(y, mo)) return undefined;
  let offsetSeconds = 0;
  if (n === 20) {
    if (raw.charCodeAt(19) !== 90) return undefined;
  } else {
    const sign = raw.charCodeAt(19);
    const oh = twoDigits(raw, 20);
    const om = twoDigits(raw, 23);
    if ((sign !== 43 && sign !== 45) || raw.charCodeAt(22) !== 58 || oh < 0 || oh > 15 || om < 0 || om > 59) return undefined;
    offsetSeconds = (sign === 45 ? -1 : 1) * (oh * 3600 + om * 60);
  }
  return cell(raw, daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offsetSeconds, 0);
}

/** An ISO-8601 timestamp with an offset or Z; a timestamp without offset is an error (its instant would be a guess). */
export const parseTimestamp: CellParser = (raw) => {
  if (typeof raw !== 'string') return fail(`${show(raw)} is not a timestamp (expected text like 2026-03-01T09:15:00Z)`);
  const common = parseCommonTimestamp(raw);
  if (common) return common;
  const m = TIMESTAMP.exec(raw);
  if (!m) {
    if (LOCAL_TIMESTAMP.test(raw)) return fail(`timestamp "${raw}" has no UTC offset (add Z or an offset like +01:00)`);
    if (DATE.test(raw)) return fail(`"${raw}" is a date, not a timestamp with time and UTC offset`);
    return fail(`"${raw}" is not an ISO-8601 timestamp with offset (like 2026-03-01T09:15:00Z or 2026-03-01T10:15:00+01:00)`);
  }
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const s = m[6] === undefined ? 0 : Number(m[6]);
  const dateProblem = checkDate(y, mo, d);
  if (dateProblem) return fail(`timestamp "${raw}": ${dateProblem}`);
  if (h > 23 || mi > 59 || s > 59) return fail(`timestamp "${raw}" has a time of day that does not exist`);
  let offsetSeconds = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = m[11] === undefined ? 0 : Number(m[11]);
    if (oh > 15 || om > 59) return fail(`timestamp "${raw}" has an offset out of range (at most ±15:59)`);
    offsetSeconds = (m[9] === '-' ? -1 : 1) * (oh * 3600 + om * 60);
  }
  // PostgreSQL keeps microseconds and rounds finer fractions; round the same way so comparisons agree with the database.
  let micros = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1e6);
  let seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offsetSeconds;
  if (micros === 1e6) {
    micros = 0;
    seconds += 1;
  }
  return cell(raw, seconds, micros);
};

/** A calendar date YYYY-MM-DD. */
export const parseDate: CellParser = (raw) => {
  if (typeof raw !== 'string') return fail(`${show(raw)} is not a date (expected YYYY-MM-DD)`);
  const m = DATE.exec(raw);
  if (!m) return fail(`"${raw}" is not a date in the form YYYY-MM-DD`);
  const [y, mo, d] = [1, 2, 3].map((i) => Number(m[i]));
  const problem = checkDate(y, mo, d);
  if (problem) return fail(`date "${raw}": ${problem}`);
  return cell(raw, daysFromCivil(y, mo, d));
};

/** `true` or `false` (JSON booleans too). */
export const parseBoolean: CellParser = (raw) => {
  if (raw === true || raw === 'true') return cell('true');
  if (raw === false || raw === 'false') return cell('false');
  return fail(`${show(raw)} is not a boolean (expected true or false)`);
};

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)$/;

/** A whole number within [min, max] (JSON numbers or numeric text). */
export function integerParser(min: number, max: number): CellParser {
  return (raw) => {
    const text = typeof raw === 'number' ? String(raw) : raw;
    if (typeof text !== 'string' || !INTEGER.test(text)) return fail(`${show(raw)} is not a whole number`);
    const n = Number(text);
    if (n < min || n > max) return fail(`${n} is out of range (${min}–${max})`);
    return cell(String(n), n);
  };
}

/** A finite number, at least `min` (or above it when `exclusive`). */
export function numberParser(min: number | undefined, exclusive = false): CellParser {
  const bound = min === undefined ? '' : exclusive ? `> ${min}` : `≥ ${min}`;
  return (raw) => {
    const text = typeof raw === 'number' ? String(raw) : raw;
    if (typeof text !== 'string' || !NUMBER.test(text)) return fail(`${show(raw)} is not a number`);
    const n = Number(text);
    if (!Number.isFinite(n)) return fail(`${show(raw)} is out of range`);
    if (min !== undefined && (exclusive ? n <= min : n < min)) return fail(`${text} must be ${bound}`);
    return cell(text, n);
  };
}

/** An exact decimal ≥ 0, passed to PostgreSQL as text so no digit is lost to binary floating point. */
export const parseNonNegativeDecimal: CellParser = (raw) => {
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || !DECIMAL.test(text)) return fail(`${show(raw)} is not a decimal number (like 12.50)`);
  if (text.startsWith('-') && /[1-9]/.test(text)) return fail(`${text} must be ≥ 0`);
  return cell(text.startsWith('-') ? text.slice(1) : text, Number(text));
};

/** One of a closed set of values (exact, lower case). */
export function enumParser(what: string, values: readonly string[]): CellParser {
  const allowed = new Set(values);
  return (raw) => {
    if (typeof raw === 'string' && allowed.has(raw)) return cell(raw);
    return fail(`unknown ${what} ${show(raw)} (expected one of ${values.join(', ')})`);
  };
}

/** Free text or an id; JSON numbers are accepted as ids. PostgreSQL text cannot hold NUL, so it is refused here with a reason. */
export const parseText: CellParser = (raw) => {
  if (typeof raw === 'number' && Number.isFinite(raw)) return cell(String(raw));
  if (typeof raw !== 'string') return fail(`${show(raw)} is not text`);
  if (raw.includes('\u0000')) return fail('contains a NUL character, which cannot be stored');
  return cell(raw);
};

/** Compares two parsed cells of the same ordered type: negative when a < b. */
export function compareCells(a: ParsedCell, b: ParsedCell): number {
  return a.order - b.order || a.orderMicros - b.orderMicros;
}
