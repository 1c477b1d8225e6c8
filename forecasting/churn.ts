/**
 * Monthly customer-churn forecast: simple exponential smoothing on the (empirical) logit of the churn
 * rate, so rates and their intervals always stay inside 0–100 %, plus binomial noise for the count of
 * customers lost out of the projected active base.
 */
import { normalQuantile } from './staffing-math';
import { requireFinite, requireFraction, requireNonNegative, requireObject, requirePositiveInteger } from './staffing-validation';

/** Observed monthly churn. */
export interface ChurnHistory {
  /** Monthly churn rate in percent (0–100), oldest first; at least one month. */
  rate: number[];
  /** Active customers at the start of the first forecast month (a whole number >= 1). */
  activeBase: number;
}

export interface ForecastChurnInput {
  history: ChurnHistory;
  /** Months to forecast, a whole number >= 1. */
  horizon: number;
  /** Central prediction-interval coverages in percent, each in (0, 100); default [80, 95]. */
  levels?: number[];
  /** Expected new customers per future month (one number for all months, or one per month); default 0. */
  newCustomers?: number | number[];
  /** Fixes the smoothing parameter in (0, 1] instead of estimating it (used for what-if and tests). */
  alpha?: number;
}

/** A central prediction interval at one coverage level. */
export interface ChurnInterval {
  level: number;
  lower: number;
  upper: number;
}

/** One forecast month. Counts are expected values (not rounded) and never negative. */
export interface ChurnForecastMonth {
  /** 1 = the first month after the history. */
  month: number;
  /** Active customers assumed at the start of the month (expected value from the point forecasts). */
  activeBase: number;
  /** Point forecast of the churn rate, percent. */
  rate: number;
  rateIntervals: ChurnInterval[];
  /** activeBase × rate / 100. */
  customersLost: number;
  /** Intervals for customers lost: rate uncertainty plus binomial noise, within [0, activeBase]. */
  customersLostIntervals: ChurnInterval[];
}

export interface ChurnForecastResult {
  /** 'ses' (≥ 6 months), 'mean' (2–5 months) or 'last' (1 month): see note. */
  method: 'ses' | 'mean' | 'last';
  /** Smoothing parameter used by 'ses' (absent otherwise). */
  alpha?: number;
  /** Human-readable caveat about the method actually used. */
  note: string;
  months: ChurnForecastMonth[];
}

/** Below this many months α cannot be estimated with any confidence, so a mean model is used. */
export const MIN_MONTHS_FOR_SMOOTHING = 6;

/** Empirical logit log((pn + ½)/(n − pn + ½)): finite for months with 0 % or 100 % churn. */
function empiricalLogit(p: number, n: number): number {
  return Math.log((p * n + 0.5) / (n - p * n + 0.5));
}

/** Exact inverse of empiricalLogit, clamped to [0, 1] for values beyond the observable range. */
function inverseEmpiricalLogit(y: number, n: number): number {
  const e = 1 / (1 + Math.exp(-y));
  const p = (e * (n + 1) - 0.5) / n;
  return Math.min(1, Math.max(0, p));
}

/** Plain logistic function, used for the delta-method variances (never exactly 0 or 1, unlike the inverse). */
function expit(y: number): number {
  return 1 / (1 + Math.exp(-y));
}

/** One-step-ahead SSE of SES with level initialised at the first observation (as in forecast::ses "simple"). */
function sesFit(y: number[], alpha: number): { level: number; sse: number } {
  let level = y[0];
  let sse = 0;
  for (let t = 1; t < y.length; t++) {
    const e = y[t] - level;
    sse += e * e;
    level += alpha * e;
  }
  return { level, sse };
}

/** α minimising the SSE: grid in steps of 0.01 then golden-section refinement, deterministic and bounded. */
function estimateAlpha(y: number[]): number {
  let best = 0.01;
  let bestSse = Infinity;
  for (let i = 1; i <= 99; i++) {
    const a = i / 100;
    const { sse } = sesFit(y, a);
    if (sse < bestSse - 1e-15) {
      bestSse = sse;
      best = a;
    }
  }
  let lo = Math.max(0.01, best - 0.01);
  let hi = Math.min(0.99, best + 0.01);
  const g = (Math.sqrt(5) - 1) / 2;
  for (let i = 0; i < 40; i++) {
    const m1 = hi - g * (hi - lo);
    const m2 = lo + g * (hi - lo);
    if (sesFit(y, m1).sse <= sesFit(y, m2).sse) hi = m2;
    else lo = m1;
  }
  return (lo + hi) / 2;
}

/** Coverage levels in percent; percentages (not fractions) match how the rest of the API reports intervals. */
function readLevels(value: unknown): number[] {
  if (value === undefined) return [80, 95];
  if (!Array.isArray(value) || value.length === 0) throw new TypeError('levels must be a non-empty array of numbers');
  return value.map((l, i) => {
    const v = requireFinite(`levels[${i}]`, l);
    if (!(v > 0 && v < 100)) throw new RangeError(`levels[${i}] must satisfy 0 < levels[${i}] < 100`);
    return v;
  });
}

/** Expands a single monthly acquisition figure to one per forecast month. */
function readNewCustomers(value: unknown, horizon: number): number[] {
  if (value === undefined) return new Array<number>(horizon).fill(0);
  if (typeof value === 'number') {
    const v = requireNonNegative('newCustomers', value);
    return new Array<number>(horizon).fill(v);
  }
  if (!Array.isArray(value) || value.length !== horizon) {
    throw new TypeError('newCustomers must be a number or an array with one entry per forecast month');
  }
  return value.map((v, i) => requireNonNegative(`newCustomers[${i}]`, v));
}

/**
 * Forecasts monthly churn rate and customers lost with prediction intervals. The rate is modelled on the
 * logit scale (ETS(A,N,N) variance σ²(1 + (h−1)α²)), whose back-transform keeps every bound in 0–100 %;
 * σ² is floored at the binomial sampling variance of one month so a suspiciously smooth history cannot
 * produce zero-width intervals.
 */
export function forecastChurn(input: ForecastChurnInput): ChurnForecastResult {
  const obj = requireObject('input', input);
  const history = requireObject('history', obj.history);
  if (!Array.isArray(history.rate) || history.rate.length === 0) {
    throw new TypeError('history.rate must be a non-empty array of percentages');
  }
  const rates = (history.rate as unknown[]).map((r, i) => {
    const v = requireFinite(`history.rate[${i}]`, r);
    if (v < 0 || v > 100) throw new RangeError(`history.rate[${i}] must be between 0 and 100`);
    return v / 100;
  });
  const base0 = requirePositiveInteger('history.activeBase', history.activeBase);
  const horizon = requirePositiveInteger('horizon', obj.horizon);
  const levels = readLevels(obj.levels);
  const newCustomers = readNewCustomers(obj.newCustomers, horizon);
  const fixedAlpha = obj.alpha === undefined ? undefined : requireFraction('alpha', obj.alpha, { minInclusive: false, maxInclusive: true });

  // The history's own bases are unknown, so the current base stands in for n in the empirical logit.
  const n = base0;
  const y = rates.map((p) => empiricalLogit(p, n));

  let method: ChurnForecastResult['method'];
  let level: number;
  let sigma2: number;
  let alpha: number | undefined;
  let note: string;
  let variance: (h: number) => number;
  if (y.length >= MIN_MONTHS_FOR_SMOOTHING) {
    method = 'ses';
    alpha = fixedAlpha ?? estimateAlpha(y);
    const fit = sesFit(y, alpha);
    level = fit.level;
    // n − 1 one-step errors, one estimated parameter (α); a fixed α costs no degree of freedom.
    const dof = y.length - 1 - (fixedAlpha === undefined ? 1 : 0);
    sigma2 = fit.sse / dof;
    const a2 = alpha * alpha;
    variance = (h) => sigma2 * (1 + (h - 1) * a2);
    note = `Simple exponential smoothing on the logit of the churn rate (alpha ${alpha.toFixed(3)}).`;
  } else if (y.length >= 2) {
    method = 'mean';
    level = y.reduce((s, v) => s + v, 0) / y.length;
    sigma2 = y.reduce((s, v) => s + (v - level) ** 2, 0) / (y.length - 1);
    const k = y.length;
    variance = () => sigma2 * (1 + 1 / k);
    note = `Only ${y.length} months of history: the forecast is their mean on the logit scale, with intervals that do not widen with the horizon; treat them as optimistic.`;
  } else {
    method = 'last';
    level = y[0];
    sigma2 = 0;
    variance = () => sigma2;
    note = 'Only one month of history: the forecast repeats it and the intervals reflect binomial sampling noise only.';
  }
  const pLevel = expit(level);
  const samplingFloor = 1 / (n * pLevel * (1 - pLevel));
  if (!(sigma2 >= samplingFloor)) {
    sigma2 = samplingFloor;
  }

  const zs = levels.map((l) => normalQuantile(0.5 + l / 200));
  const rate = inverseEmpiricalLogit(level, n);
  const months: ChurnForecastMonth[] = [];
  let base = base0;
  for (let h = 1; h <= horizon; h++) {
    const sdRate = Math.sqrt(variance(h));
    const rateIntervals = levels.map((l, i) => ({
      level: l,
      lower: 100 * inverseEmpiricalLogit(level - zs[i] * sdRate, n),
      upper: 100 * inverseEmpiricalLogit(level + zs[i] * sdRate, n),
    }));
    const lost = base * rate;
    // Binomial noise of the count, by the delta method on the logit scale: Var ≈ 1/(B·p·(1−p)).
    const sdLost = base > 0 ? Math.sqrt(variance(h) + 1 / (base * pLevel * (1 - pLevel))) : 0;
    const lostIntervals = levels.map((l, i) => ({
      level: l,
      lower: base * inverseEmpiricalLogit(level - zs[i] * sdLost, n),
      upper: base * inverseEmpiricalLogit(level + zs[i] * sdLost, n),
    }));
    months.push({
      month: h,
      activeBase: base,
      rate: 100 * rate,
      rateIntervals,
      customersLost: lost,
      customersLostIntervals: lostIntervals,
    });
    base = Math.max(0, base - lost + newCustomers[h - 1]);
  }
  const result: ChurnForecastResult = { method, note, months };
  if (alpha !== undefined) result.alpha = alpha;
  return result;
}
