/**
 * Point forecasts with prediction intervals for contact volumes. Fits a small menu of models
 * (seasonal naive; STL/MSTL + ETS as in R's stlf; STL + linear trend; additive Holt-Winters ETS;
 * the average of the last two), picks the one with the lowest MASE over a rolling-origin backtest
 * on the training data, and refits it on the whole series.
 */
import { candidate, defaultCandidates, isApplicable, MODEL_NAMES, runCandidates, type ModelName } from './models/candidates';
import type { EtsHint } from './models/ets';
import type { ModelForecast, SeasonalContext } from './models/types';
import { resolveSeasonality } from './seasonality';
import { applyEvents, assertEvents, removeEvents, type EventEffect, type ForecastEvent } from './events';
import { intervalMultiplier } from './normal';
import {
  buildIntervals,
  conformalMultipliers,
  crossValidatedCoverage,
  evaluateCandidates,
  planOrigins,
  type AggregateMeasures,
  type CandidateScore,
} from './selection';
import { assertInteger, assertLevels, assertSeries } from './validate';

export interface ForecastOptions {
  /** Steps ahead to forecast (integer >= 1). */
  horizon: number;
  /** Single seasonal period, e.g. 7 for daily data with a weekly pattern. */
  period?: number;
  /** Several seasonal periods, e.g. [24, 168] for hourly data; decomposed with MSTL. */
  periods?: number[];
  /** Interval levels in percent (default [80, 95]). */
  levels?: number[];
  /** Force a model instead of choosing by backtest (default 'auto'). */
  model?: ModelName | 'auto';
  /** Backtest origins used for the automatic choice (default 3). */
  origins?: number;
  /**
   * 'calibrated' (default): interval widths scaled by the chosen model's backtest errors (split conformal);
   * 'model': the model's own normal intervals.
   */
  intervals?: IntervalMethod;
  /** Known events (holidays, closures, launches) whose effect is estimated from the history or given; see events.ts. */
  events?: ForecastEvent[];
}

export type IntervalMethod = 'calibrated' | 'model';

export interface IntervalCalibration {
  /** How the intervals were built: 'calibrated' on backtest errors, or the model's normal intervals. */
  method: IntervalMethod;
  /** Backtest errors the calibration used (0 for 'model'). */
  errors: number;
  /** Per level, the multiplier of the model's SD (the normal quantile for 'model', e.g. 1.96 at 95%). */
  multipliers: { level: number; multiplier: number }[];
}

export interface ForecastInterval {
  level: number;
  lower: number[];
  upper: number[];
}

export interface ForecastAccuracy extends AggregateMeasures {
  /** Number of backtest origins and the horizon evaluated at each. */
  origins: number;
  horizon: number;
}

export interface ForecastResult {
  mean: number[];
  intervals: ForecastInterval[];
  /** Chosen model. */
  model: ModelName;
  /** What was fitted, e.g. "STL + ETS(A,Ad,N)". */
  description: string;
  /** Backtest accuracy of the chosen model on the training data (null when the series is too short to backtest). */
  accuracy: ForecastAccuracy | null;
  /** Backtest score of every candidate considered (lower is better). */
  candidates: { model: ModelName; score: number }[];
  /** How the interval widths were set. */
  calibration: IntervalCalibration;
  /** With `events`: the effect applied for each, in the order given. */
  events?: EventEffect[];
  /** Caveats: dropped seasonalities, fallbacks, no backtest. */
  note?: string;
}

const DEFAULT_LEVELS = [80, 95];
const DEFAULT_ORIGINS = 3;

/** Forecasts `horizon` steps of a non-negative series with intervals, choosing the model by backtest. */
export function forecast(input: number[], options: ForecastOptions): ForecastResult {
  assertSeries(input, 'series', 1);
  // Work on a private copy: fitted decompositions are cached per array object. A typed array gives
  // the models' loops one element type, and backtest training windows are views instead of copies.
  let series: Float64Array = new Float64Array(input);
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  for (let i = 0; i < series.length; i++) {
    if (series[i] < 0) throw new RangeError(`series[${i}] must be >= 0: forecast() models volumes (got ${series[i]})`);
  }
  assertInteger(options.horizon, 'horizon', 1);
  const levels = options.levels ?? DEFAULT_LEVELS;
  assertLevels(levels, 'levels');
  const origins = options.origins ?? DEFAULT_ORIGINS;
  assertInteger(origins, 'origins', 1);
  const intervalMethod = options.intervals ?? 'calibrated';
  if (intervalMethod !== 'calibrated' && intervalMethod !== 'model') {
    throw new RangeError(`intervals must be 'calibrated' or 'model' (got ${String(intervalMethod)})`);
  }
  const requestedModel = options.model ?? 'auto';
  if (requestedModel !== 'auto' && !MODEL_NAMES.includes(requestedModel)) {
    throw new RangeError(`model must be 'auto' or one of ${MODEL_NAMES.join(', ')} (got ${String(requestedModel)})`);
  }

  const n = series.length;
  const horizon = options.horizon;
  const seasonality = resolveSeasonality(n, options.period, options.periods);
  const context: SeasonalContext = { periods: seasonality.periods };
  const notes: string[] = [];
  const events = options.events ?? [];
  assertEvents(events, n, horizon);
  let effects: EventEffect[] | undefined;
  if (events.length > 0) {
    // Models and backtests see the history as it would have been without the events.
    const removed = removeEvents(series, events, context.periods.length > 0 ? context.periods[context.periods.length - 1] : 1);
    series = removed.cleaned;
    effects = removed.effects;
    const unknown = effects.filter((e) => e.source === 'none' && e.forecastPositions > 0).map((e) => e.name);
    if (unknown.length > 0) {
      notes.push(`No past occurrence to estimate the effect of ${unknown.join(', ')} from, and no multiplier given: forecast without it.`);
    }
  }
  if (seasonality.dropped.length > 0) {
    const plural = seasonality.dropped.length > 1 ? 's' : '';
    notes.push(
      `The series (${n} values) has fewer than two full cycles of period${plural} ${seasonality.dropped.join(', ')}, ` +
        (context.periods.length > 0
          ? `so that seasonality was ignored and only period${context.periods.length > 1 ? 's' : ''} ${context.periods.join(', ')} modelled.`
          : 'so seasonality was ignored and a non-seasonal model (naive, mean, drift or ETS) was used.'),
    );
  }

  let chosen: ModelName;
  let accuracy: ForecastAccuracy | null = null;
  let chosenScore: CandidateScore | null = null;
  let scores: CandidateScore[] = [];
  let fullFits: Map<ModelName, ModelForecast | null> | null = null;
  if (requestedModel !== 'auto') {
    if (!isApplicable(requestedModel, n, context)) {
      throw new RangeError(`model ${requestedModel} cannot be fitted to ${n} values with periods [${context.periods.join(', ')}]`);
    }
    chosen = requestedModel;
    const plan = planOrigins(n, horizon, origins, minimumTraining(context));
    if (plan) scores = evaluateCandidates(series, [candidate(chosen)], context, plan, levels);
    chosenScore = scores[0] ?? null;
    accuracy = plan && chosenScore ? { ...chosenScore.measures, origins: plan.origins.length, horizon: plan.horizon } : null;
  } else {
    const fallback: ModelName = fallbackModel(n, context);
    const plan = planOrigins(n, horizon, origins, minimumTraining(context));
    const menu = plan ? defaultCandidates(plan.origins[0], context) : [];
    if (plan && menu.length > 0) {
      // Fit every candidate on the full series first: the chosen one is reused as is, and the
      // ETS model forms and parameters found here warm-start the refits at the backtest origins.
      const recorder = new Map<string, EtsHint>();
      fullFits = runCandidates(menu, series, horizon, { ...context, recorder });
      scores = evaluateCandidates(series, menu, { ...context, hints: recorder }, plan, levels).filter((s) => fullFits?.get(s.model));
    }
    if (plan && scores.length > 0) {
      const best = chooseByScore(scores);
      chosen = best.model;
      chosenScore = best;
      accuracy = { ...best.measures, origins: plan.origins.length, horizon: plan.horizon };
    } else {
      chosen = fallback;
      notes.push(
        `Too few values (${n}) to compare models by backtest: used ${fallback} without an accuracy estimate, ` +
          'and its own normal intervals, not calibrated ones.',
      );
    }
  }

  let fit = fullFits?.get(chosen) ?? runCandidates([candidate(chosen)], series, horizon, context).get(chosen) ?? null;
  if (fit === null) {
    // A model that fails on the full series (should not happen) must not leak NaN: fall back.
    const fallback = fallbackModel(n, context);
    notes.push(`${chosen} could not be fitted; used ${fallback} instead.`);
    chosen = fallback;
    accuracy = null;
    chosenScore = null;
    fit = runCandidates([candidate(chosen)], series, horizon, context).get(chosen) ?? null;
  }
  if (fit === null) throw new Error('no model could be fitted to series');
  if (n < 2) notes.push('A single observation gives no estimate of uncertainty: the intervals have zero width.');

  const errors = chosenScore?.scaledErrors.flat() ?? [];
  let calibration: IntervalCalibration;
  if (intervalMethod === 'calibrated' && errors.length > 0) {
    const multipliers = conformalMultipliers(errors, levels);
    calibration = { method: 'calibrated', errors: errors.length, multipliers: levels.map((level, l) => ({ level, multiplier: multipliers[l] })) };
    // The backtest coverage of the calibrated intervals, each origin judged by a calibration on the others.
    if (accuracy && chosenScore) accuracy = { ...accuracy, coverage: crossValidatedCoverage(chosenScore.scaledErrors, levels) };
  } else {
    calibration = { method: 'model', errors: 0, multipliers: levels.map((level) => ({ level, multiplier: intervalMultiplier(level) })) };
  }
  const built = buildIntervals(
    fit,
    levels,
    calibration.multipliers.map((m) => m.multiplier),
  );
  if (effects) applyEvents(built, events, effects, n);
  const result: ForecastResult = {
    mean: built.mean,
    intervals: levels.map((level, l) => ({ level, lower: built.lower[l], upper: built.upper[l] })),
    model: chosen,
    description: fit.description,
    accuracy,
    candidates: scores.map((s) => ({ model: s.model, score: s.score })),
    calibration,
  };
  if (effects) result.events = effects;
  if (notes.length > 0) result.note = notes.join(' ');
  return result;
}

/**
 * A few backtest origins rank close candidates almost at random, while an equal-weight combination
 * is rarely far from the best of its components (the "forecast combination puzzle", FPP3 §13.4).
 * So the combination is kept unless another candidate scores more than this fraction better;
 * the override remains as a safety net for series where one component fails. On 24 rolling windows
 * of the three reference series this rule gave mean MASE 0.677 against 0.693 for "lowest score wins"
 * (0/5/10/20% tolerances were tried; `npm run accuracy` reruns the comparison).
 */
const COMBINATION_TOLERANCE = 0.2;

/**
 * The combination's benefit of the doubt stops short of losing clearly to seasonal naive: when seasonal naive scores
 * more than this fraction better than the model kept, it is used instead. Falling back whenever seasonal naive
 * scores better at all (margin 0) made the geometric-mean MASE worse on the demo's backtests (0.7509 → 0.7545) and on
 * four public monthly series (1.410 → 1.437): three origins often rank it first by chance.
 */
const SEASONAL_NAIVE_MARGIN = 0.1;

/** Lowest backtest score wins, except that the combination wins near-ties, unless seasonal naive clearly wins. */
export function chooseByScore(scores: CandidateScore[]): CandidateScore {
  const best = scores.reduce((a, b) => (b.score < a.score ? b : a));
  const combination = scores.find((s) => s.model === 'stl-ets+ets-seasonal');
  const chosen = combination && combination.score <= best.score * (1 + COMBINATION_TOLERANCE) ? combination : best;
  const snaive = scores.find((s) => s.model === 'seasonal-naive');
  return snaive && snaive.score * (1 + SEASONAL_NAIVE_MARGIN) < chosen.score ? snaive : chosen;
}

/** Training length needed before the first backtest origin. */
function minimumTraining(context: SeasonalContext): number {
  return context.periods.length > 0 ? 2 * context.periods[context.periods.length - 1] + 4 : 8;
}

/** The model used when there is not enough data to compare candidates. */
function fallbackModel(n: number, context: SeasonalContext): ModelName {
  if (context.periods.length > 0 && isApplicable('stl-ets', n, context)) return 'stl-ets';
  if (context.periods.length > 0) return 'seasonal-naive';
  if (n >= 8) return 'ets';
  return 'naive';
}
