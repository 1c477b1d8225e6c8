import type { EtsHint } from './ets';

/** What every candidate model returns: point forecasts and the standard deviation of the h-step error. */
export interface ModelForecast {
  mean: number[];
  /** Standard deviation of the forecast error at each horizon (normal intervals are built from it). */
  sd: number[];
  /** Human-readable description of the fitted model, e.g. "ETS(A,Ad,N)". */
  description: string;
}

/** Seasonal structure known to a model, plus optional warm starts for ETS-based models. */
export interface SeasonalContext {
  /** Seasonal periods usable on this series, ascending (empty = non-seasonal). */
  periods: number[];
  /** Warm starts to use, keyed by model name (set from a fit on the full series). */
  hints?: Map<string, EtsHint>;
  /** Where models record the warm start of the fit they just made. */
  recorder?: Map<string, EtsHint>;
}

/** A candidate model: fits `series` and forecasts `horizon` steps. */
export type ModelFunction = (series: ArrayLike<number>, horizon: number, context: SeasonalContext) => ModelForecast;
