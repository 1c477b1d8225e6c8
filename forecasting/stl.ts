/**
 * STL: Seasonal-Trend decomposition by Loess (Cleveland, Cleveland, McRae & Terpenning, 1990),
 * following R's stats::stl() and its Fortran (stl.f) with all jumps equal to 1.
 * The one deliberate difference: robustness weights use the true median of |remainder|
 * (R's partial sort can pick a wrong order statistic; statsmodels uses the true median).
 */
import { loessEstimate, LoessRow, loessSmooth, LoessWeights } from './loess';
import { assertDegree, assertInteger, assertOddWindow, assertSeries } from './validate';

export interface StlOptions {
  /** Number of observations per seasonal cycle (integer >= 2). */
  period: number;
  /** Loess span (odd, >= 7) of the cycle-subseries smoother, or 'periodic' for a fixed seasonal pattern. */
  seasonalWindow: number | 'periodic';
  /** Degree of the seasonal loess (R default 0). */
  seasonalDegree?: 0 | 1;
  /** Loess span of the trend smoother (odd >= 3); R default nextodd(ceil(1.5 period / (1 - 1.5 / seasonalWindow))). */
  trendWindow?: number;
  /** Degree of the trend loess (R default 1). */
  trendDegree?: 0 | 1;
  /** Loess span of the low-pass filter (odd >= 3); R default nextodd(period). */
  lowPassWindow?: number;
  /** Degree of the low-pass loess (R default: trendDegree). */
  lowPassDegree?: 0 | 1;
  /** Use robustness weights (R default false). */
  robust?: boolean;
  /** Inner loop passes (R default: 1 if robust else 2). */
  inner?: number;
  /** Robustness (outer) iterations (R default: 15 if robust else 0). */
  outer?: number;
}

export interface StlResult {
  seasonal: number[];
  trend: number[];
  remainder: number[];
  /** Final robustness weights (all 1 without outer iterations). */
  weights: number[];
}

/** R's nextodd(): round, then bump even values up by one. */
export function nextOdd(x: number): number {
  const r = Math.round(x);
  return r % 2 === 0 ? r + 1 : r;
}

/** Resolved STL parameters after applying R's defaults. */
export interface StlParameters {
  period: number;
  periodic: boolean;
  seasonalWindow: number;
  seasonalDegree: 0 | 1;
  trendWindow: number;
  trendDegree: 0 | 1;
  lowPassWindow: number;
  lowPassDegree: 0 | 1;
  inner: number;
  outer: number;
}

/** Validates STL options against a series length and fills in R's defaults. */
export function resolveStlOptions(n: number, options: StlOptions): StlParameters {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const { period } = options;
  assertInteger(period, 'period', 2);
  if (n < 2 * period) {
    throw new RangeError(`series must cover at least two periods (${2 * period} values for period ${period}; got ${n})`);
  }
  const periodic = options.seasonalWindow === 'periodic';
  let seasonalWindow: number;
  let seasonalDegree: 0 | 1 = options.seasonalDegree ?? 0;
  assertDegree(seasonalDegree, 'seasonalDegree');
  if (periodic) {
    // R: a very wide, degree-0 seasonal smoother, averaged per cycle position afterwards.
    seasonalWindow = 10 * n + 1;
    seasonalDegree = 0;
  } else {
    assertOddWindow(options.seasonalWindow, 'seasonalWindow', 7);
    seasonalWindow = options.seasonalWindow as number;
  }
  const trendDegree = options.trendDegree ?? 1;
  assertDegree(trendDegree, 'trendDegree');
  const lowPassDegree = options.lowPassDegree ?? trendDegree;
  assertDegree(lowPassDegree, 'lowPassDegree');
  const trendWindow = options.trendWindow ?? nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / seasonalWindow)));
  assertOddWindow(trendWindow, 'trendWindow', 3);
  const lowPassWindow = options.lowPassWindow ?? nextOdd(period);
  assertOddWindow(lowPassWindow, 'lowPassWindow', 3);
  const robust = options.robust ?? false;
  if (typeof robust !== 'boolean') throw new TypeError('robust must be a boolean');
  const inner = options.inner ?? (robust ? 1 : 2);
  assertInteger(inner, 'inner', 1);
  const outer = options.outer ?? (robust ? 15 : 0);
  assertInteger(outer, 'outer', 0);
  return {
    period,
    periodic,
    seasonalWindow,
    seasonalDegree,
    trendWindow,
    trendDegree,
    lowPassWindow,
    lowPassDegree,
    inner,
    outer,
  };
}

/** Decomposes `series` into seasonal + trend + remainder with STL (R stats::stl semantics, jumps of 1). */
export function stl(series: number[], options: StlOptions): StlResult {
  assertSeries(series, 'series', 4);
  const p = resolveStlOptions(series.length, options);
  const r = stlCore(series, p);
  return {
    seasonal: Array.from(r.seasonal),
    trend: Array.from(r.trend),
    remainder: Array.from(r.remainder),
    weights: Array.from(r.weights),
  };
}

/** STL components as typed arrays (internal: avoids copies inside mstl and forecast). */
export interface StlArrays {
  seasonal: Float64Array;
  trend: Float64Array;
  remainder: Float64Array;
  weights: Float64Array;
}

/** STL without argument checking, for callers that already validated (mstl, forecast). */
export function stlCore(series: ArrayLike<number>, p: StlParameters): StlArrays {
  const n = series.length;
  const np = p.period;
  // Only read: a typed array (mstl's deseasoned series) needs no copy.
  const y = series instanceof Float64Array ? series : new Float64Array(series);
  const season = new Float64Array(n);
  const trend = new Float64Array(n);
  const rw = new Float64Array(n).fill(1);
  const work = workspaceFor(n, np);

  let useWeights = false;
  for (let k = 0; ; k++) {
    innerLoop(y, p, useWeights ? rw : null, season, trend, work);
    if (k >= p.outer) break;
    robustnessWeights(y, season, trend, rw);
    useWeights = true;
  }
  if (p.outer <= 0) rw.fill(1);

  if (p.periodic) {
    // R replaces the seasonal by its mean per cycle position; the trend is kept as fitted.
    const sums = new Float64Array(np);
    const counts = new Float64Array(np);
    for (let i = 0; i < n; i++) {
      sums[i % np] += season[i];
      counts[i % np] += 1;
    }
    for (let i = 0; i < n; i++) season[i] = sums[i % np] / counts[i % np];
  }

  const remainder = new Float64Array(n);
  for (let i = 0; i < n; i++) remainder[i] = y[i] - season[i] - trend[i];
  return { seasonal: season, trend, remainder, weights: rw };
}

/** Loess weights of a cycle-subseries smoother, with the estimates one step beyond each end. */
interface SubseriesSmoother {
  smoother: LoessWeights;
  before: LoessRow;
  after: LoessRow;
}

/**
 * Non-robust loess weights depend only on the length and the smoother's settings. Recent ones are
 * kept: every inner pass and every cycle-subseries (of at most two lengths) reuses them, and so do
 * forecasts of many series over one date range. A bounded memo of immutable values.
 */
const MAX_CACHED_SMOOTHERS = 64;
const smoothers = new Map<string, LoessWeights>();
const subseriesSmoothers = new Map<string, SubseriesSmoother>();

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    if (cache.size >= MAX_CACHED_SMOOTHERS) cache.delete(cache.keys().next().value as string);
    value = make();
    cache.set(key, value);
  }
  return value;
}

/** Loess weights for smoothing series of length n without robustness weights. */
function smootherFor(n: number, span: number, degree: number): LoessWeights {
  return remember(smoothers, `${n},${span},${degree}`, () => new LoessWeights(n, span, degree));
}

/** The same for a cycle-subseries of length k, with its two end extensions (stlss). */
function subseriesSmootherFor(k: number, span: number, degree: number): SubseriesSmoother {
  return remember(subseriesSmoothers, `${k},${span},${degree}`, () => ({
    smoother: smootherFor(k, span, degree),
    before: new LoessRow(k, span, degree, 0, 1, Math.min(span, k)),
    after: new LoessRow(k, span, degree, k + 1, Math.max(1, k - span + 1), k),
  }));
}

/** Scratch arrays sized like the Fortran's work(n + 2*np, 5); every value is written before it is read. */
class Workspace {
  readonly detrended: Float64Array;
  readonly cycle: Float64Array;
  readonly lowPass: Float64Array;
  readonly smoothed: Float64Array;
  readonly scratch: Float64Array;
  readonly subseries: Float64Array;
  readonly subWeights: Float64Array;
  readonly subSmooth: Float64Array;
  constructor(n: number, np: number) {
    const m = n + 2 * np;
    this.detrended = new Float64Array(m);
    this.cycle = new Float64Array(m);
    this.lowPass = new Float64Array(m);
    this.smoothed = new Float64Array(m);
    this.scratch = new Float64Array(m);
    const k = Math.ceil(n / np) + 2;
    this.subseries = new Float64Array(k);
    this.subWeights = new Float64Array(k);
    this.subSmooth = new Float64Array(k + 2);
  }

  /** Whether this workspace is large enough for a series of n values with period np. */
  fits(n: number, np: number): boolean {
    return this.cycle.length >= n + 2 * np && this.subseries.length >= Math.ceil(n / np) + 2;
  }
}

/**
 * One workspace serves every call, replaced by a larger one when a call needs more room:
 * allocating large typed arrays costs more than a short series' whole decomposition, and
 * STL runs synchronously without nesting, so calls never share it at the same time.
 */
let sharedWorkspace: Workspace | null = null;

function workspaceFor(n: number, np: number): Workspace {
  if (sharedWorkspace === null || !sharedWorkspace.fits(n, np)) sharedWorkspace = new Workspace(n, np);
  return sharedWorkspace;
}

/** One run of the inner loop (stlstp): seasonal smoothing, low-pass removal, trend smoothing. */
function innerLoop(y: Float64Array, p: StlParameters, rw: Float64Array | null, season: Float64Array, trend: Float64Array, w: Workspace): void {
  const n = y.length;
  const np = p.period;
  for (let pass = 0; pass < p.inner; pass++) {
    for (let i = 0; i < n; i++) w.detrended[i] = y[i] - trend[i];
    cycleSubseriesSmooth(w.detrended, n, p, rw, w.cycle, w);
    // Low-pass of the extended cycle-subseries: moving averages of np, np, 3 then loess.
    movingAverage(w.cycle, n + 2 * np, np, w.lowPass);
    movingAverage(w.lowPass, n + np + 1, np, w.detrended);
    movingAverage(w.detrended, n + 2, 3, w.lowPass);
    smootherFor(n, p.lowPassWindow, p.lowPassDegree).smooth(w.lowPass, w.smoothed, 0);
    for (let i = 0; i < n; i++) season[i] = w.cycle[np + i] - w.smoothed[i];
    for (let i = 0; i < n; i++) w.detrended[i] = y[i] - season[i];
    if (rw === null) smootherFor(n, p.trendWindow, p.trendDegree).smooth(w.detrended, trend, 0);
    else loessSmooth(w.detrended, n, p.trendWindow, p.trendDegree, rw, trend, 0, w.scratch);
  }
}

/**
 * Smooths each cycle-subseries and extends it by one value at each end (stlss);
 * the result has n + 2*np values.
 */
function cycleSubseriesSmooth(x: Float64Array, n: number, p: StlParameters, rw: Float64Array | null, out: Float64Array, w: Workspace): void {
  const np = p.period;
  const ns = p.seasonalWindow;
  const sub = w.subseries;
  const subRw = rw === null ? null : w.subWeights;
  const smooth = w.subSmooth;
  let ends: SubseriesSmoother | null = null;
  for (let j = 1; j <= np; j++) {
    const k = Math.floor((n - j) / np) + 1;
    for (let i = 1; i <= k; i++) sub[i - 1] = x[(i - 1) * np + j - 1];
    if (rw !== null && subRw !== null) {
      for (let i = 1; i <= k; i++) subRw[i - 1] = rw[(i - 1) * np + j - 1];
    }
    let first: number;
    let last: number;
    if (subRw === null) {
      // Subseries have at most two lengths: look the weights up only when the length changes.
      if (ends === null || ends.smoother.n !== k) ends = subseriesSmootherFor(k, ns, p.seasonalDegree);
      const { smoother, before, after } = ends;
      smoother.smooth(sub, smooth, 1);
      first = before.estimate(sub);
      last = after.estimate(sub);
    } else {
      loessSmooth(sub, k, ns, p.seasonalDegree, subRw, smooth, 1, w.scratch);
      first = loessEstimate(sub, k, ns, p.seasonalDegree, 0, 1, Math.min(ns, k), w.scratch, subRw);
      last = loessEstimate(sub, k, ns, p.seasonalDegree, k + 1, Math.max(1, k - ns + 1), k, w.scratch, subRw);
    }
    smooth[0] = Number.isNaN(first) ? smooth[1] : first;
    smooth[k + 1] = Number.isNaN(last) ? smooth[k] : last;
    for (let m = 1; m <= k + 2; m++) out[(m - 1) * np + j - 1] = smooth[m - 1];
  }
}

/** Running mean of width `len` over x[0..n), written to ave[0..n-len]. */
function movingAverage(x: Float64Array, n: number, len: number, ave: Float64Array): void {
  let v = 0;
  for (let i = 0; i < len; i++) v += x[i];
  ave[0] = v / len;
  for (let j = 1, k = len, m = 0; j <= n - len; j++, k++, m++) {
    v = v - x[m] + x[k];
    ave[j] = v / len;
  }
}

/** Tukey bisquare weights on |y - fit| scaled by 6 * (true) median |y - fit|. */
function robustnessWeights(y: Float64Array, season: Float64Array, trend: Float64Array, rw: Float64Array): void {
  const n = y.length;
  const abs = new Float64Array(n);
  for (let i = 0; i < n; i++) abs[i] = Math.abs(y[i] - season[i] - trend[i]);
  const sorted = Float64Array.from(abs).sort();
  const mid = n >> 1;
  const median = n % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const cmad = 6 * median;
  const c9 = 0.999 * cmad;
  const c1 = 0.001 * cmad;
  for (let i = 0; i < n; i++) {
    const r = abs[i];
    if (r <= c1) rw[i] = 1;
    else if (r <= c9) {
      const u = r / cmad;
      rw[i] = (1 - u * u) * (1 - u * u);
    } else rw[i] = 0;
  }
}
