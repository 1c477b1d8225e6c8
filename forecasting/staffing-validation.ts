/**
 * Argument checks shared by the staffing and churn functions.
 * Each throws a RangeError (TypeError for non-numbers) whose message starts with the argument's name,
 * so API callers can tell which field to fix.
 */

/** Rejects non-numbers and NaN/±Infinity, which would silently poison every formula downstream. */
export function requireFinite(name: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new TypeError(`${name} must be a number`);
  }
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be finite`);
  return value;
}

/** Strictly positive: durations and interval lengths divide other quantities. */
export function requirePositive(name: string, value: unknown): number {
  const v = requireFinite(name, value);
  if (!(v > 0)) throw new RangeError(`${name} must be > 0`);
  return v;
}

/** Zero allowed: volumes and answer targets may legitimately be 0. */
export function requireNonNegative(name: string, value: unknown): number {
  const v = requireFinite(name, value);
  if (v < 0) throw new RangeError(`${name} must be >= 0`);
  return v;
}

/** Head-counts and horizons are whole numbers; the Erlang recursions are only defined for them. */
export function requireNonNegativeInteger(name: string, value: unknown): number {
  const v = requireNonNegative(name, value);
  if (!Number.isInteger(v)) throw new RangeError(`${name} must be an integer`);
  return v;
}

/** Positive whole number (e.g. concurrency, forecast horizon). */
export function requirePositiveInteger(name: string, value: unknown): number {
  const v = requirePositive(name, value);
  if (!Number.isInteger(v)) throw new RangeError(`${name} must be an integer`);
  return v;
}

/** Bounds a fraction such as an occupancy cap: (lo, hi] or [lo, hi) depending on the flags. */
export function requireFraction(name: string, value: unknown, opts: { minInclusive: boolean; maxInclusive: boolean }): number {
  const v = requireFinite(name, value);
  const lowOk = opts.minInclusive ? v >= 0 : v > 0;
  const highOk = opts.maxInclusive ? v <= 1 : v < 1;
  if (!lowOk || !highOk) {
    const lo = opts.minInclusive ? '0 <=' : '0 <';
    const hi = opts.maxInclusive ? '<= 1' : '< 1';
    throw new RangeError(`${name} must satisfy ${lo} ${name} ${hi}`);
  }
  return v;
}

/** Guards against callers passing something other than an object (e.g. from untyped JSON). */
export function requireObject(name: string, value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${name} must be an object`);
  }
  return value as Record<string, unknown>;
}
