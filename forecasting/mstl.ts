/**
 * MSTL: decomposition with several seasonal periods (Bandara, Hyndman & Bergmeir, 2021),
 * following R's forecast::mstl(): STL is applied to one period at a time, shortest first,
 * each time on the series with the other seasonal components removed, for a few sweeps.
 */
import { resolveStlOptions, stlCore } from './stl';
import { assertInteger, assertOddWindow, assertSeries } from './validate';

export interface MstlOptions {
  /** Seasonal periods (integers >= 2, each with at least two full cycles in the series). */
  periods: number[];
  /** Seasonal loess windows per period (sorted order); default 7 + 4 * i, i.e. 11, 15, 19, ... as in R. */
  seasonalWindows?: number[];
  /** Sweeps over all periods (default 2; R uses 1 when there is a single period, which gives the same result). */
  iterations?: number;
  /** Passed to every STL fit (default false, as in R's mstl). */
  robust?: boolean;
}

export interface MstlResult {
  trend: number[];
  /** One seasonal component per period, in ascending order of period. */
  seasonals: { period: number; values: number[] }[];
  remainder: number[];
}

/** R's mstl default seasonal window for the i-th (0-based) period: 7 + 4 * (i + 1). */
export function defaultSeasonalWindow(index: number): number {
  return 7 + 4 * (index + 1);
}

/** Decomposes `series` into trend + one seasonal per period + remainder (R forecast::mstl semantics). */
export function mstl(series: number[], options: MstlOptions): MstlResult {
  assertSeries(series, 'series', 4);
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const { periods } = options;
  if (!Array.isArray(periods) || periods.length === 0) {
    throw new TypeError('periods must be a non-empty array of integers');
  }
  periods.forEach((p, i) => assertInteger(p, `periods[${i}]`, 2));
  if (new Set(periods).size !== periods.length) throw new RangeError('periods must not repeat');
  const n = series.length;
  for (const p of periods) {
    if (n < 2 * p) {
      throw new RangeError(`series must cover at least two cycles of every period (period ${p} needs ${2 * p} values; got ${n})`);
    }
  }
  const sorted = [...periods].sort((a, b) => a - b);
  const windows = options.seasonalWindows ?? sorted.map((_, i) => defaultSeasonalWindow(i));
  if (!Array.isArray(windows) || windows.length < sorted.length) {
    throw new RangeError('seasonalWindows must give one window per period');
  }
  windows.forEach((w, i) => assertOddWindow(w, `seasonalWindows[${i}]`, 7));
  const iterations = options.iterations ?? 2;
  assertInteger(iterations, 'iterations', 1);
  const robust = options.robust ?? false;
  if (typeof robust !== 'boolean') throw new TypeError('robust must be a boolean');
  const r = mstlCore(series, sorted, windows, iterations, robust);
  return {
    trend: Array.from(r.trend),
    seasonals: r.seasonals.map(({ period, values }) => ({ period, values: Array.from(values) })),
    remainder: Array.from(r.remainder),
  };
}

/** MSTL components as typed arrays (internal). */
export interface MstlArrays {
  trend: Float64Array;
  seasonals: { period: number; values: Float64Array }[];
  remainder: Float64Array;
}

/** MSTL without argument checks; `periods` must be ascending. */
export function mstlCore(series: ArrayLike<number>, periods: number[], windows: number[], iterations: number, robust = false): MstlArrays {
  const n = series.length;
  const deseasoned = new Float64Array(series);
  const seasonals = periods.map(() => new Float64Array(n));
  // A single period gives the same answer on every sweep, so R stops after one.
  const sweeps = periods.length === 1 ? 1 : iterations;
  let trend: Float64Array | null = null;
  for (let sweep = 0; sweep < sweeps; sweep++) {
    periods.forEach((period, i) => {
      const seasonal = seasonals[i];
      for (let t = 0; t < n; t++) deseasoned[t] += seasonal[t];
      const fit = stlCore(deseasoned, resolveStlOptions(n, { period, seasonalWindow: windows[i], robust }));
      for (let t = 0; t < n; t++) {
        seasonal[t] = fit.seasonal[t];
        deseasoned[t] -= seasonal[t];
      }
      trend = fit.trend;
    });
  }
  const fitted = trend ?? new Float64Array(n);
  const remainder = new Float64Array(n);
  for (let t = 0; t < n; t++) remainder[t] = deseasoned[t] - fitted[t];
  return { trend: fitted, seasonals: periods.map((period, i) => ({ period, values: seasonals[i] })), remainder };
}
