/**
 * Rolling-origin evaluation (FPP3 §5.10): forecast from several origins near the end of the
 * series using only the data before each origin, and score against what followed.
 */
import { forecast, type IntervalMethod } from './forecast';
import { isApplicable, MODEL_NAMES, type ModelName } from './models/candidates';
import type { SeasonalContext } from './models/types';
import { resolveSeasonality } from './seasonality';
import { aggregate, measureOrigin, planOrigins, scaleLagFor, type AggregateMeasures } from './selection';
import { assertInteger, assertLevels, assertSeries } from './validate';

export interface BacktestOptions {
  /** Steps forecast from each origin. */
  horizon: number;
  period?: number;
  periods?: number[];
  /** A fixed model, or 'auto' to run forecast()'s own selection at every origin (default 'auto'). */
  model?: ModelName | 'auto';
  /** Number of origins (default 3). */
  origins?: number;
  /** Distance between origins (default: horizon, i.e. non-overlapping test windows). */
  step?: number;
  levels?: number[];
  /** How each origin's intervals are built, as in forecast() (default 'calibrated'). */
  intervals?: IntervalMethod;
}

export interface BacktestOrigin {
  /** Number of training values before this origin. */
  origin: number;
  model: string;
  actual: number[];
  mean: number[];
  intervals: { level: number; lower: number[]; upper: number[] }[];
  mae: number;
  smape: number;
  mase: number | null;
  coverage: { level: number; rate: number }[];
}

export interface BacktestResult {
  horizon: number;
  origins: BacktestOrigin[];
  aggregate: AggregateMeasures;
}

/** Evaluates a model (or the automatic choice) by rolling-origin forecasting over the end of `series`. */
export function backtest(series: number[], options: BacktestOptions): BacktestResult {
  assertSeries(series, 'series', 2);
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  assertInteger(options.horizon, 'horizon', 1);
  const count = options.origins ?? 3;
  assertInteger(count, 'origins', 1);
  const step = options.step ?? options.horizon;
  assertInteger(step, 'step', 1);
  const levels = options.levels ?? [80, 95];
  assertLevels(levels, 'levels');
  const model = options.model ?? 'auto';
  if (model !== 'auto' && !MODEL_NAMES.includes(model)) {
    throw new RangeError(`model must be 'auto' or one of ${MODEL_NAMES.join(', ')} (got ${String(model)})`);
  }
  const n = series.length;
  const span = options.horizon + (count - 1) * step;
  if (n - span < 1) {
    throw new RangeError(`series is too short for ${count} origins of horizon ${options.horizon} and step ${step} (${n} values)`);
  }
  const plan = planOrigins(n, options.horizon, count, 1, step);
  if (plan === null) throw new RangeError('series is too short for the requested origins');

  const results: BacktestOrigin[] = [];
  for (const origin of plan.origins) {
    const training = series.slice(0, origin);
    const actual = series.slice(origin, origin + plan.horizon);
    // Seasonality is judged on each training window, as a user at that origin would have.
    const seasonality = resolveSeasonality(origin, options.period, options.periods);
    const context: SeasonalContext = { periods: seasonality.periods };
    if (model !== 'auto' && !isApplicable(model, origin, context)) {
      throw new RangeError(`model ${model} cannot be fitted to the ${origin} values before origin ${origin}`);
    }
    // The same forecast() a user at that origin would have called, its interval calibration included.
    const f = forecast(training, {
      horizon: plan.horizon,
      period: options.period,
      periods: options.periods,
      levels,
      model,
      intervals: options.intervals,
    });
    const name = f.model;
    const built = { mean: f.mean, lower: f.intervals.map((i) => i.lower), upper: f.intervals.map((i) => i.upper) };
    const m = measureOrigin(training, actual, built, scaleLagFor(context));
    results.push({
      origin,
      model: name,
      actual,
      mean: built.mean,
      intervals: levels.map((level, l) => ({ level, lower: built.lower[l], upper: built.upper[l] })),
      mae: m.mae,
      smape: m.smape,
      mase: m.mase,
      coverage: levels.map((level, l) => ({ level, rate: m.inside[l] / plan.horizon })),
    });
  }
  const perOrigin = results.map((r) => ({
    mae: r.mae,
    smape: r.smape,
    mase: r.mase,
    inside: r.coverage.map((c) => Math.round(c.rate * plan.horizon)),
  }));
  return { horizon: plan.horizon, origins: results, aggregate: aggregate(perOrigin, levels, plan.horizon) };
}
