/**
 * Rolling-origin evaluation of candidate models on the training data only
 * (FPP3 §5.10, "time series cross-validation", with a few non-overlapping origins),
 * shared by forecast()'s automatic model choice and by backtest().
 */
import { intervalMultiplier } from './normal';
import { runCandidates, type Candidate, type ModelName } from './models/candidates';
import type { ModelForecast, SeasonalContext } from './models/types';

export interface OriginPlan {
  /** Forecast horizon used at every origin. */
  horizon: number;
  /** Training lengths (the forecast origin is just after them), oldest first. */
  origins: number[];
}

/**
 * Places `count` origins `step` apart, the last one `horizon` before the end, keeping at least
 * `minTraining` values before the first. Shrinks the horizon, then the count, when the series is short;
 * returns null when not even one origin fits.
 */
export function planOrigins(length: number, horizon: number, count: number, minTraining: number, step?: number): OriginPlan | null {
  for (let k = count; k >= 1; k--) {
    const room = length - minTraining;
    let h = horizon;
    let s = step ?? h;
    if (room < h + (k - 1) * s) {
      if (step !== undefined) continue;
      h = Math.floor(room / k);
      s = h;
    }
    if (h < 1) continue;
    const origins: number[] = [];
    for (let i = k - 1; i >= 0; i--) origins.push(length - h - i * s);
    return { horizon: h, origins };
  }
  return null;
}

export interface OriginMeasures {
  mae: number;
  smape: number;
  /** MAE over the in-sample seasonal-naive MAE of this origin's training data (null when that is 0). */
  mase: number | null;
  /** Count of actual values inside each level's interval. */
  inside: number[];
}

/** Measures one forecast against the actual values that followed the origin. */
export function measureOrigin(
  training: ArrayLike<number>,
  actual: ArrayLike<number>,
  forecast: { mean: number[]; lower: number[][]; upper: number[][] },
  scaleLag: number,
): OriginMeasures {
  const h = actual.length;
  let absSum = 0;
  let sm = 0;
  for (let i = 0; i < h; i++) {
    const err = Math.abs(actual[i] - forecast.mean[i]);
    absSum += err;
    const d = Math.abs(actual[i]) + Math.abs(forecast.mean[i]);
    if (d > 0) sm += err / d;
  }
  let scale = 0;
  for (let t = scaleLag; t < training.length; t++) scale += Math.abs(training[t] - training[t - scaleLag]);
  scale /= Math.max(1, training.length - scaleLag);
  const mae = absSum / h;
  const inside = forecast.lower.map((lower, l) => {
    let c = 0;
    for (let i = 0; i < h; i++) if (actual[i] >= lower[i] && actual[i] <= forecast.upper[l][i]) c++;
    return c;
  });
  return { mae, smape: (200 * sm) / h, mase: scale > 0 ? mae / scale : null, inside };
}

/** The model's error SDs made non-decreasing in the horizon, so intervals never narrow as it grows. */
export function monotoneSd(sd: readonly number[]): number[] {
  const out: number[] = [];
  let running = 0;
  for (const v of sd) {
    running = Math.max(running, v);
    out.push(running);
  }
  return out;
}

/**
 * Turns means and error SDs into clamped non-negative intervals: mean ± multiplier · SD, with the normal
 * quantile as the multiplier unless calibrated ones are given (one per level).
 */
export function buildIntervals(
  f: ModelForecast,
  levels: number[],
  multipliers?: readonly number[],
): { mean: number[]; lower: number[][]; upper: number[][] } {
  const sd = monotoneSd(f.sd);
  // Volumes cannot be negative: clamp the mean and both bounds at zero.
  const mean = f.mean.map((v) => Math.max(0, v));
  const z = levels.map((level, l) => multipliers?.[l] ?? intervalMultiplier(level));
  const lower = z.map((m) => f.mean.map((v, i) => Math.max(0, v - m * sd[i])));
  const upper = z.map((m) => f.mean.map((v, i) => Math.max(0, v + m * sd[i])));
  return { mean, lower, upper };
}

/**
 * Backtest errors in units of the model's own SD at that step, (actual − mean) / SD, one array per origin.
 * Steps where the model claims no uncertainty (SD 0) say nothing about the scale and are left out.
 */
export function scaledErrors(f: ModelForecast, actual: ArrayLike<number>): number[] {
  const sd = monotoneSd(f.sd);
  const out: number[] = [];
  for (let i = 0; i < actual.length; i++) {
    if (sd[i] > 0 && Number.isFinite(f.mean[i])) out.push((actual[i] - f.mean[i]) / sd[i]);
  }
  return out;
}

/**
 * Split-conformal interval multipliers (Lei et al. 2018, with the model's SD as the normaliser, as in
 * "normalized" conformal regression): for level L the ⌈(n+1)·L⌉-th smallest |scaled error| of n backtest errors,
 * so that a new error falls inside mean ± multiplier·SD with probability ≥ L if errors are exchangeable.
 * With too few errors for a level (n < L/(1−L)), the multiplier is the larger of the normal quantile and the
 * largest error seen; multipliers never decrease with the level.
 */
export function conformalMultipliers(errors: readonly number[], levels: readonly number[]): number[] {
  const abs = errors
    .map(Math.abs)
    .filter(Number.isFinite)
    .sort((a, b) => a - b);
  const n = abs.length;
  const order = levels.map((_, l) => l).sort((a, b) => levels[a] - levels[b]);
  const out = new Array<number>(levels.length);
  let floor = 0;
  for (const l of order) {
    const k = Math.ceil(((n + 1) * levels[l]) / 100);
    const q = k <= n ? abs[k - 1] : Math.max(intervalMultiplier(levels[l]), n > 0 ? abs[n - 1] : 0);
    floor = Math.max(floor, q);
    out[l] = floor;
  }
  return out;
}

/**
 * An honest estimate of calibrated coverage: each origin's errors are checked against multipliers calibrated on
 * the other origins only (leave-one-origin-out). With a single origin there is nothing to hold out, and the
 * in-sample share is returned.
 */
export function crossValidatedCoverage(perOrigin: readonly number[][], levels: readonly number[]): { level: number; rate: number }[] {
  const inside = levels.map(() => 0);
  let total = 0;
  perOrigin.forEach((held, j) => {
    const others = perOrigin.length > 1 ? perOrigin.filter((_, i) => i !== j).flat() : held;
    const q = conformalMultipliers(others, levels);
    for (const e of held) {
      total++;
      levels.forEach((_, l) => {
        if (Math.abs(e) <= q[l]) inside[l]++;
      });
    }
  });
  return levels.map((level, l) => ({ level, rate: total > 0 ? inside[l] / total : 0 }));
}

export interface AggregateMeasures {
  mae: number;
  smape: number;
  mase: number | null;
  /** Pooled share of actual values inside each level's interval. */
  coverage: { level: number; rate: number }[];
}

/** Averages per-origin measures (MASE over the origins where it is defined; coverage pooled). */
export function aggregate(measures: OriginMeasures[], levels: number[], horizon: number): AggregateMeasures {
  const k = measures.length;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const defined = measures.map((m) => m.mase).filter((v): v is number => v !== null);
  return {
    mae: mean(measures.map((m) => m.mae)),
    smape: mean(measures.map((m) => m.smape)),
    mase: defined.length > 0 ? mean(defined) : null,
    coverage: levels.map((level, l) => ({
      level,
      rate: measures.reduce((s, m) => s + m.inside[l], 0) / (k * horizon),
    })),
  };
}

export interface CandidateScore {
  model: ModelName;
  /** Mean over origins of MAE scaled by the origin's seasonal-naive MAE (raw MAE where that is 0). */
  score: number;
  measures: AggregateMeasures;
  /** Per origin, the errors in units of the model's SD (see scaledErrors); they calibrate the intervals. */
  scaledErrors: number[][];
}

/** The lag of the MASE scale: the longest seasonal period, 1 without seasonality. */
export function scaleLagFor(context: SeasonalContext): number {
  return context.periods.length > 0 ? context.periods[context.periods.length - 1] : 1;
}

/** series[from..to): a view of a typed array (models never modify their input), else a copy. */
function valuesBetween(series: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  return series instanceof Float64Array ? series.subarray(from, to) : (Array.prototype.slice.call(series, from, to) as number[]);
}

/** Mean of the last cycle (`lag` values) before `end`. */
function cycleMean(series: ArrayLike<number>, end: number, lag: number): number {
  let s = 0;
  for (let i = Math.max(0, end - lag); i < end; i++) s += series[i];
  return s / Math.min(lag, end);
}

/** Bounds of the level ratio: a near-empty cycle at an origin must not blow the errors up or wipe them out. */
const MAX_LEVEL_RATIO = 3;

/**
 * How much the series' level has moved between a backtest origin and the end of the series: the last cycle's mean
 * now over the last cycle's mean then. Errors of volume series tend to grow in proportion to the level
 * (multiplicative errors), so an origin's errors are scaled by
 * this ratio before they calibrate intervals for a forecast from the end; without it, growing series get intervals
 * sized for their past and cover too little. 1 when either mean is 0.
 */
export function levelRatio(series: ArrayLike<number>, origin: number, lag: number): number {
  const now = cycleMean(series, series.length, lag);
  const then = cycleMean(series, origin, lag);
  if (!(now > 0 && then > 0)) return 1;
  return Math.min(MAX_LEVEL_RATIO, Math.max(1 / MAX_LEVEL_RATIO, now / then));
}

/** Fits every candidate at every origin of `plan` and scores it on the values that followed. */
export function evaluateCandidates(
  series: ArrayLike<number>,
  candidates: Candidate[],
  context: SeasonalContext,
  plan: OriginPlan,
  levels: number[],
): CandidateScore[] {
  const perModel = new Map<ModelName, OriginMeasures[] | null>(candidates.map((c) => [c.name, []]));
  const errors = new Map<ModelName, number[][]>(candidates.map((c) => [c.name, []]));
  const lag = scaleLagFor(context);
  for (const origin of plan.origins) {
    const training = valuesBetween(series, 0, origin);
    const actual = valuesBetween(series, origin, origin + plan.horizon);
    const fits = runCandidates(candidates, training, plan.horizon, context);
    for (const c of candidates) {
      const list = perModel.get(c.name);
      const f = fits.get(c.name);
      if (!list) continue;
      if (!f) {
        perModel.set(c.name, null);
        continue;
      }
      list.push(measureOrigin(training, actual, buildIntervals(f, levels), lag));
      const factor = levelRatio(series, origin, lag);
      errors.get(c.name)?.push(scaledErrors(f, actual).map((e) => e * factor));
    }
  }
  const scores: CandidateScore[] = [];
  for (const c of candidates) {
    const list = perModel.get(c.name);
    if (!list || list.length === 0) continue;
    const score = list.reduce((s, m) => s + (m.mase ?? m.mae), 0) / list.length;
    scores.push({ model: c.name, score, measures: aggregate(list, levels, plan.horizon), scaledErrors: errors.get(c.name) ?? [] });
  }
  return scores;
}
