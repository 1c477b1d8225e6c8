/** Argument checks shared by the forecasting functions; every error names the argument. */

/** Throws unless `series` is an array of finite numbers with at least `minLength` items. */
export function assertSeries(series: unknown, name: string, minLength = 1): asserts series is number[] {
  if (!Array.isArray(series) && !ArrayBuffer.isView(series)) {
    throw new TypeError(`${name} must be an array of numbers`);
  }
  const values = series as ArrayLike<unknown>;
  if (values.length < minLength) {
    throw new RangeError(`${name} must have at least ${minLength} values (got ${values.length})`);
  }
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new TypeError(`${name}[${i}] must be a finite number (got ${String(v)})`);
    }
  }
}

/** Throws unless `value` is an integer >= `min`. */
export function assertInteger(value: unknown, name: string, min: number): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min} (got ${String(value)})`);
  }
}

/** Throws unless `value` is an odd integer >= `min`. */
export function assertOddWindow(value: unknown, name: string, min: number): asserts value is number {
  assertInteger(value, name, min);
  if ((value as number) % 2 === 0) {
    throw new RangeError(`${name} must be odd (got ${String(value)})`);
  }
}

/** Throws unless `value` is 0 or 1 (the loess degrees STL supports). */
export function assertDegree(value: unknown, name: string): asserts value is 0 | 1 {
  if (value !== 0 && value !== 1) {
    throw new RangeError(`${name} must be 0 or 1 (got ${String(value)})`);
  }
}

/** Throws unless every level is a number strictly between 0 and 100. */
export function assertLevels(levels: unknown, name: string): asserts levels is number[] {
  if (!Array.isArray(levels) || levels.length === 0) {
    throw new TypeError(`${name} must be a non-empty array of percentages`);
  }
  for (const level of levels) {
    if (typeof level !== 'number' || !(level > 0 && level < 100)) {
      throw new RangeError(`${name} must contain percentages strictly between 0 and 100 (got ${String(level)})`);
    }
  }
}
