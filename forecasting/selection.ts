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
export function planOrigins(
  length: number,
  horizon: number,
  count: number,
  minTraining: number,
  step?: number,
): OriginPlan | null {
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

/** Turns means and error SDs into clamped non-negative intervals; SDs are made non-decreasing first. */
export function buildIntervals(f: ModelForecast, levels: number[]): { mean: number[]; lower: number[][]; upper: number[][] } {
  const sd: number[] = [];
  let running = 0;
  for (const v of f.sd) {
    running = Math.max(running, v);
    sd.push(running);
  }
  // Volumes cannot be negative: clamp the mean and both bounds at zero.
  const mean = f.mean.map((v) => Math.max(0, v));
  const lower = levels.map((level) => {
    const z = intervalMultiplier(level);
    return f.mean.map((v, i) => Math.max(0, v - z * sd[i]));
  });
  const upper = levels.map((level) => {
    const z = intervalMultiplier(level);
    return f.mean.map((v, i) => Math.max(0, v + z * sd[i]));
  });
  return { mean, lower, upper };
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
}

/** The lag of the MASE scale: the longest seasonal period, 1 without seasonality. */
export function scaleLagFor(context: SeasonalContext): number {
  return context.periods.length > 0 ? context.periods[context.periods.length - 1] : 1;
}

/** series[from..to): a view of a typed array (models never modify their input), else a copy. */
function valuesBetween(series: ArrayLike<number>, from: number, to: number): ArrayLike<number> {
  return series instanceof Float64Array
    ? series.subarray(from, to)
    : (Array.prototype.slice.call(series, from, to) as number[]);
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
    }
  }
  const scores: CandidateScore[] = [];
  for (const c of candidates) {
    const list = perModel.get(c.name);
    if (!list || list.length === 0) continue;
    const score = list.reduce((s, m) => s + (m.mase ?? m.mae), 0) / list.length;
    scores.push({ model: c.name, score, measures: aggregate(list, levels, plan.horizon) });
  }
  return scores;
}
