/** Works out which seasonal periods a series is long enough to estimate. */
import { assertInteger } from './validate';

export interface Seasonality {
  /** Usable periods, ascending. */
  periods: number[];
  /** Requested periods dropped because the series has fewer than two full cycles of them. */
  dropped: number[];
}

/** Validates `period` / `periods` and keeps those with at least two full cycles in `length` values. */
export function resolveSeasonality(length: number, period: unknown, periods: unknown): Seasonality {
  if (period !== undefined && periods !== undefined) {
    throw new TypeError('give either period or periods, not both');
  }
  let requested: number[] = [];
  if (period !== undefined) {
    assertInteger(period, 'period', 1);
    requested = period === 1 ? [] : [period as number];
  } else if (periods !== undefined) {
    if (!Array.isArray(periods)) throw new TypeError('periods must be an array of integers');
    periods.forEach((p, i) => assertInteger(p, `periods[${i}]`, 2));
    requested = [...new Set(periods as number[])].sort((a, b) => a - b);
  }
  const usable = requested.filter((p) => length >= 2 * p);
  return { periods: usable, dropped: requested.filter((p) => length < 2 * p) };
}
