/**
 * Additive-error exponential smoothing (ETS) in state-space form
 * (Hyndman, Koehler, Ord & Snyder 2008; FPP3 ch. 8): level, optional additive or damped
 * trend, optional additive seasonality — ETS(A,N,N), (A,A,N), (A,Ad,N), (A,N,A), (A,A,A), (A,Ad,A).
 *
 * Estimation minimises the in-sample sum of squared one-step errors (the additive-error
 * likelihood up to a constant), as R's ets() does, with two shortcuts for speed:
 * smoothing parameters by a short Nelder-Mead search, and initial states by linear least squares
 * (for fixed smoothing parameters the one-step errors are linear in the initial states).
 * Model choice among trend types uses AICc, as R's ets() does.
 */
import { nelderMead, type PairObjective } from '../optimize';
import { filterErrorsPair, nonseasonalSse, runFilter, runFilterPair, type Params } from './ets-kernels';
import type { ModelForecast } from './types';

export type EtsTrend = 'N' | 'A' | 'Ad';

export interface EtsSpec {
  trend: EtsTrend;
  /** Seasonal period; 0 for a non-seasonal model. */
  period: number;
}

export interface EtsFit {
  spec: EtsSpec;
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  /** Final level, slope and the seasonal states in the order they will next be used. */
  level: number;
  slope: number;
  seasonal: number[];
  sse: number;
  sigma2: number;
  aicc: number;
  n: number;
  /** Trend type and search-box optimum, to warm-start refits on nearby data (backtest origins). */
  hint: EtsHint;
}

/** Warm start for refitting the same specification on a similar series. */
export interface EtsHint {
  trend: EtsTrend;
  start: number[];
}

const LOWER = 1e-4;
const UPPER = 0.9999;
const PHI_LOWER = 0.8;
const PHI_UPPER = 0.98;

/** Name in the ETS(error, trend, season) taxonomy. */
export function etsName(spec: EtsSpec): string {
  return `ETS(A,${spec.trend},${spec.period > 0 ? 'A' : 'N'})`;
}

/** Solves the symmetric positive (semi)definite system A x = r by Cholesky with a tiny ridge. */
function solveSymmetric(a: Float64Array[], r: Float64Array): number[] {
  const p = r.length;
  let trace = 0;
  for (let i = 0; i < p; i++) trace += a[i][i];
  const ridge = 1e-10 * (trace / p + 1e-300);
  // Plain arrays: a handful of numbers, and typed arrays are slow to allocate.
  const l = a.map(() => new Array<number>(p).fill(0));
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j] + (i === j ? ridge : 0);
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      if (i === j) l[i][i] = Math.sqrt(Math.max(s, 1e-300));
      else l[i][j] = s / l[j][j];
    }
  }
  const z = new Array<number>(p).fill(0);
  for (let i = 0; i < p; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * z[k];
    z[i] = s / l[i][i];
  }
  const x = new Array<number>(p).fill(0);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < p; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** Scratch buffers for one model shape (trend or not, seasonal period), whatever the series length. */
class FilterBuffers {
  /** Basis initial states: the least-squares initial state is a combination of them. */
  readonly bases: Float64Array[];
  readonly x0: Float64Array;
  /** Heuristic initial states, kept while x0 is overwritten. */
  readonly fixedStart: Float64Array;
  readonly finalState: Float64Array;
  readonly seasons: Float64Array;
  /** Seasonal states of runFilterPair's two filters. */
  readonly pairSeasons: Float64Array;
  readonly zeroState: Float64Array;
  /** One-step errors of optimalInitialStates' filters, one row of n per filter; grown as needed. */
  private errors = new Float64Array(0);
  /** Zero data for the basis filters; grown as needed, never written. */
  private zeros = new Float64Array(0);
  /** Normal equations of the initial-state least squares. */
  readonly gram: Float64Array[];
  readonly rhs: Float64Array;
  constructor(
    readonly hasTrend: boolean,
    readonly m: number,
  ) {
    const size = 2 + m;
    this.bases = [];
    const unit = (k: number) => {
      const v = new Float64Array(size);
      v[k] = 1;
      return v;
    };
    this.bases.push(unit(0));
    if (hasTrend) this.bases.push(unit(1));
    // Seasonal states are identified only up to a shift absorbed by the level: constrain them to sum to zero.
    for (let k = 0; k + 1 < m; k++) {
      const v = unit(2 + k);
      v[2 + m - 1] = -1;
      this.bases.push(v);
    }
    this.x0 = new Float64Array(size);
    this.fixedStart = new Float64Array(size);
    this.finalState = new Float64Array(size);
    this.seasons = new Float64Array(Math.max(m, 1));
    this.pairSeasons = new Float64Array(2 * m);
    this.zeroState = new Float64Array(size);
    const q = this.bases.length;
    this.gram = Array.from({ length: q }, () => new Float64Array(q));
    this.rhs = new Float64Array(q);
  }

  /** Room for the error rows of all optimalInitialStates' filters over n values. */
  errorRows(n: number): Float64Array {
    const size = (this.bases.length + 1) * n;
    if (this.errors.length < size) this.errors = new Float64Array(size);
    return this.errors;
  }

  /** At least n zeros. */
  zeroData(n: number): Float64Array {
    if (this.zeros.length < n) this.zeros = new Float64Array(n);
    return this.zeros;
  }
}

/**
 * Buffers are reused by every fit of the same shape: a fit allocates a few dozen small typed arrays
 * otherwise, which costs about as much as a filter pass. Fits run synchronously, one at a time.
 */
const buffersByShape = new Map<string, FilterBuffers>();

function buffersFor(hasTrend: boolean, m: number): FilterBuffers {
  const key = `${hasTrend ? 'T' : 'N'}${m}`;
  let buf = buffersByShape.get(key);
  if (!buf) buffersByShape.set(key, (buf = new FilterBuffers(hasTrend, m)));
  return buf;
}

/**
 * Least-squares initial states for fixed smoothing parameters; fills buf.x0.
 * The one-step errors are linear in the initial state: e = e0 + sum_k c_k e_k, where e0 comes from
 * the data filtered from a zero state and e_k from zero data filtered from basis state k.
 * The filters run two at a time (runFilterPair's reason), then the normal equations are summed.
 */
function optimalInitialStates(y: Float64Array, p: Params, buf: FilterBuffers): void {
  const n = y.length;
  const { hasTrend, m, bases, gram, rhs } = buf;
  const q = bases.length;
  const errors = buf.errorRows(n);
  const zeros = buf.zeroData(n);
  // Row 0: the data from a zero state; row k: zero data from basis state k - 1.
  const input = (k: number) => (k === 0 ? y : zeros);
  const start = (k: number) => (k === 0 ? buf.zeroState : bases[k - 1]);
  for (let k = 0; k <= q; k += 2) {
    // With an odd number of filters the last one runs twice, into the same row.
    const other = Math.min(k + 1, q);
    filterErrorsPair(input(k), start(k), k * n, input(other), start(other), other * n, p, hasTrend, m, n, buf.pairSeasons, errors);
  }
  normalEquations(errors, n, q, gram, rhs);
  const c = solveSymmetric(gram, rhs);
  buf.x0.fill(0);
  for (let k = 0; k < q; k++) for (let i = 0; i < buf.x0.length; i++) buf.x0[i] += c[k] * bases[k][i];
}

/**
 * Normal equations of the initial-state least squares from the error rows (row 0: data filter,
 * row k: basis k - 1): gram[i][j] = sum_t e_{i+1} e_{j+1} and rhs[i] = -sum_t e_{i+1} e_0.
 * Each sum runs over t in order as a plain dot product would; four of them share a pass over the
 * rows so that their additions overlap.
 */
function normalEquations(errors: Float64Array, n: number, q: number, gram: Float64Array[], rhs: Float64Array): void {
  // Entry (i, c) for 1 <= i <= q and 0 <= c <= i: the product of rows i and c.
  const store = (i: number, c: number, v: number) => {
    if (c === 0) rhs[i - 1] = -v;
    else gram[i - 1][c - 1] = gram[c - 1][i - 1] = v;
  };
  for (let i = 1; i <= q; i++) {
    const ri = i * n;
    let c = 0;
    for (; c + 3 <= i; c += 4) {
      const r0 = c * n;
      const r1 = r0 + n;
      const r2 = r1 + n;
      const r3 = r2 + n;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < n; t++) {
        const e = errors[ri + t];
        s0 += e * errors[r0 + t];
        s1 += e * errors[r1 + t];
        s2 += e * errors[r2 + t];
        s3 += e * errors[r3 + t];
      }
      store(i, c, s0);
      store(i, c + 1, s1);
      store(i, c + 2, s2);
      store(i, c + 3, s3);
    }
    for (; c <= i; c++) {
      const rc = c * n;
      let s = 0;
      for (let t = 0; t < n; t++) s += errors[ri + t] * errors[rc + t];
      store(i, c, s);
    }
  }
}

/** Rough initial states from the first cycles (classical decomposition, then a line). */
function heuristicInitialStates(y: ArrayLike<number>, buf: FilterBuffers): void {
  const { m, hasTrend } = buf;
  const n = y.length;
  const x0 = buf.x0;
  x0.fill(0);
  const cycles = m > 0 ? Math.min(Math.floor(n / m), 3) : 0;
  if (m > 0) {
    for (let c = 0; c < cycles; c++) {
      let mean = 0;
      for (let j = 0; j < m; j++) mean += y[c * m + j];
      mean /= m;
      for (let j = 0; j < m; j++) x0[2 + j] += (y[c * m + j] - mean) / cycles;
    }
  }
  const len = Math.min(n, m > 0 ? cycles * m : 10);
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let t = 0; t < len; t++) {
    const d = y[t] - (m > 0 ? x0[2 + (t % m)] : 0);
    sx += t;
    sy += d;
    sxx += t * t;
    sxy += t * d;
  }
  const denom = len * sxx - sx * sx;
  const slope = hasTrend && denom > 0 ? (len * sxy - sx * sy) / denom : 0;
  const intercept = (sy - slope * sx) / len;
  x0[0] = intercept - slope;
  x0[1] = slope;
}

/** Maps a point of the unit search box to admissible smoothing parameters (beta < alpha, gamma < 1 - alpha). */
function decode(v: number[], spec: EtsSpec): Params {
  let i = 0;
  const alpha = v[i++];
  let beta = 0;
  let phi = 1;
  let gamma = 0;
  if (spec.trend !== 'N') beta = alpha * v[i++];
  if (spec.trend === 'Ad') phi = v[i++];
  if (spec.period > 0) gamma = (1 - alpha) * v[i++];
  return { alpha, beta, gamma, phi };
}

function searchBox(spec: EtsSpec): { start: number[]; lower: number[]; upper: number[] } {
  const start = [0.3];
  const lower = [LOWER];
  const upper = [UPPER];
  if (spec.trend !== 'N') {
    start.push(0.1);
    lower.push(LOWER);
    upper.push(UPPER);
  }
  if (spec.trend === 'Ad') {
    start.push(0.95);
    lower.push(PHI_LOWER);
    upper.push(PHI_UPPER);
  }
  if (spec.period > 0) {
    start.push(0.1);
    lower.push(LOWER);
    upper.push(UPPER);
  }
  return { start, lower, upper };
}

/** Fits one ETS specification to y; `warmStart` (a previous optimum) shortens the search. */
export function fitEts(series: ArrayLike<number>, spec: EtsSpec, warmStart?: number[]): EtsFit {
  // One element type in the filters' hot loops, whatever array the caller passed.
  const y = series instanceof Float64Array ? series : new Float64Array(series);
  const n = y.length;
  const m = spec.period;
  const hasTrend = spec.trend !== 'N';
  const buf = buffersFor(hasTrend, m);
  const { start, lower, upper } = searchBox(spec);
  let params: Params;
  let sse: number;
  let unit: number[];

  // A coarse look at alpha first keeps Nelder-Mead out of poor basins.
  const budget = warmStart ? 0.5 : 1;
  const pickStart = (objective: (v: number[]) => number, pair?: PairObjective) => {
    if (warmStart && warmStart.length === start.length) return warmStart;
    const tries = [0.05, 0.2, 0.5, 0.8].map((a) => {
      const v = start.slice();
      v[0] = a;
      return v;
    });
    const values: number[] = [];
    const two = [0, 0];
    for (let i = 0; i < tries.length; i++) {
      if (pair && i + 1 < tries.length) {
        pair(tries[i], tries[++i], two);
        values.push(two[0], two[1]);
      } else {
        values.push(objective(tries[i]));
      }
    }
    let best = start;
    let bestValue = Number.POSITIVE_INFINITY;
    tries.forEach((v, i) => {
      if (values[i] < bestValue) {
        bestValue = values[i];
        best = v;
      }
    });
    return best;
  };

  if (m === 0) {
    // Two states at most: re-solving the initial states at every step is affordable.
    const objective = (v: number[]) => nonseasonalSse(y, n, decode(v, spec), hasTrend, buf.x0);
    const result = nelderMead(objective, pickStart(objective), lower, upper, Math.round(budget * (25 + 25 * start.length)));
    unit = result.x;
    params = decode(unit, spec);
    sse = nonseasonalSse(y, n, params, hasTrend, buf.x0);
  } else {
    heuristicInitialStates(y, buf);
    const fixedStart = buf.fixedStart;
    fixedStart.set(buf.x0);
    const pairWithStates =
      (x0: Float64Array): PairObjective =>
      (a, b, out) =>
        runFilterPair(y, n, decode(a, spec), decode(b, spec), hasTrend, m, x0, buf.pairSeasons, out);
    // A single point through the pair filter too: it costs no more than runFilter's generic loop.
    const single = [0, 0];
    const withStates = (x0: Float64Array) => (v: number[]) => {
      const params = decode(v, spec);
      runFilterPair(y, n, params, params, hasTrend, m, x0, buf.pairSeasons, single);
      return single[0];
    };
    const first = nelderMead(
      withStates(fixedStart),
      pickStart(withStates(fixedStart), pairWithStates(fixedStart)),
      lower,
      upper,
      Math.round(budget * (30 + 20 * start.length)),
      undefined,
      pairWithStates(fixedStart),
    );
    optimalInitialStates(y, decode(first.x, spec), buf);
    // Re-tune the smoothing parameters for the least-squares initial states; keep those states.
    const second = nelderMead(
      withStates(buf.x0),
      first.x,
      lower,
      upper,
      Math.round(budget * (15 + 10 * start.length)),
      undefined,
      pairWithStates(buf.x0),
    );
    unit = second.x;
    params = decode(unit, spec);
    sse = second.value;
  }

  const finalState = buf.finalState;
  runFilter(y, n, params, hasTrend, m, buf.x0, finalState, buf.seasons);
  // Parameters as R counts them: smoothing parameters + initial states (+1 for the variance in AICc).
  const k = start.length + buf.bases.length;
  const sigma2 = sse / Math.max(1, n - k);
  const kk = k + 1;
  const aicc = n - kk - 1 > 0 ? n * Math.log(Math.max(sse, 1e-300) / n) + 2 * kk + (2 * kk * (kk + 1)) / (n - kk - 1) : Number.POSITIVE_INFINITY;
  return {
    spec,
    ...params,
    phi: hasTrend ? params.phi : 1,
    level: finalState[0],
    slope: finalState[1],
    seasonal: Array.from({ length: m }, (_, i) => finalState[2 + i]),
    sse,
    sigma2,
    aicc,
    n,
    hint: { trend: spec.trend, start: unit },
  };
}

/** Point forecasts and h-step error standard deviations (class 1 variance formulas, Hyndman et al. 2008 Table 6.1). */
export function forecastEts(fit: EtsFit, horizon: number): ModelForecast {
  const { alpha, beta, gamma, phi, level, slope, seasonal, sigma2 } = fit;
  const m = fit.spec.period;
  const trend = fit.spec.trend;
  const mean: number[] = [];
  const sd: number[] = [];
  let phiSum = 0; // phi + phi^2 + ... + phi^h
  let phiPower = 1;
  let variance = 0; // sum of c_j^2 for j < h
  for (let h = 1; h <= horizon; h++) {
    if (trend === 'A') phiSum += 1;
    else if (trend === 'Ad') {
      phiPower *= phi;
      phiSum += phiPower;
    }
    const s = m > 0 ? seasonal[(h - 1) % m] : 0;
    mean.push(level + (trend === 'N' ? 0 : phiSum * slope) + s);
    sd.push(Math.sqrt(sigma2 * (1 + variance)));
    const c = alpha + (trend === 'N' ? 0 : beta * phiSum) + (m > 0 && h % m === 0 ? gamma : 0);
    variance += c * c;
  }
  return { mean, sd, description: etsName(fit.spec) };
}

/**
 * Fits each trend type (and the given seasonality) and keeps the lowest AICc;
 * with a hint, refits only the hinted trend type from the hinted optimum.
 */
export function autoEts(y: ArrayLike<number>, period: number, hint?: EtsHint, trends: EtsTrend[] = ['N', 'A', 'Ad']): EtsFit {
  if (hint) return fitEts(y, { trend: hint.trend, period }, hint.start);
  let best: EtsFit | null = null;
  for (const trend of trends) {
    const fit = fitEts(y, { trend, period });
    if (best === null || fit.aicc < best.aicc) best = fit;
  }
  return best as EtsFit;
}
