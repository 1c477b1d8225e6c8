/**
 * The menu of models forecast() chooses from, and which of them apply to a given series.
 * Cheap models only: each is fitted once per backtest origin.
 */
import { driftForecast, meanForecast, naiveForecast, seasonalNaiveForecast } from './benchmarks';
import { stlEtsForecast, stlLinearForecast } from './decomposition';
import { autoEts, forecastEts } from './ets';
import type { ModelForecast, ModelFunction, SeasonalContext } from './types';

export type ModelName = 'seasonal-naive' | 'stl-ets' | 'stl-linear' | 'ets-seasonal' | 'stl-ets+ets-seasonal' | 'ets' | 'naive' | 'drift' | 'mean';

/** All model names accepted by forecast() and backtest(). */
export const MODEL_NAMES: readonly ModelName[] = [
  'seasonal-naive',
  'stl-ets',
  'stl-linear',
  'ets-seasonal',
  'stl-ets+ets-seasonal',
  'ets',
  'naive',
  'drift',
  'mean',
];

export interface Candidate {
  name: ModelName;
  /** Either a model of its own or the equal-weight average of two others. */
  run?: ModelFunction;
  combines?: [ModelName, ModelName];
}

/** Holt-Winters-type seasonal ETS is only offered for short periods (few seasonal states to estimate). */
export const MAX_ETS_SEASONAL_PERIOD = 52;

const largestPeriod = (context: SeasonalContext) => context.periods[context.periods.length - 1];

/** Automatic ETS that reuses (and records) the warm start kept under `name`. */
function hintedEts(name: string, y: ArrayLike<number>, period: number, context: SeasonalContext) {
  const fit = autoEts(y, period, context.hints?.get(name));
  context.recorder?.set(name, fit.hint);
  return fit;
}

const MODELS: Record<Exclude<ModelName, 'stl-ets+ets-seasonal'>, ModelFunction> = {
  'seasonal-naive': (y, h, c) => seasonalNaiveForecast(y, h, largestPeriod(c)),
  'stl-ets': stlEtsForecast,
  'stl-linear': stlLinearForecast,
  'ets-seasonal': (y, h, c) => forecastEts(hintedEts('ets-seasonal', y, c.periods[0], c), h),
  ets: (y, h, c) => forecastEts(hintedEts('ets', y, 0, c), h),
  naive: (y, h) => naiveForecast(y, h),
  drift: (y, h) => driftForecast(y, h),
  mean: (y, h) => meanForecast(y, h),
};

/** Builds the candidate for one model name. */
export function candidate(name: ModelName): Candidate {
  if (name === 'stl-ets+ets-seasonal') return { name, combines: ['stl-ets', 'ets-seasonal'] };
  return { name, run: MODELS[name] };
}

/** Whether a model can be fitted to `length` values with this seasonal context. */
export function isApplicable(name: ModelName, length: number, context: SeasonalContext): boolean {
  const seasonal = context.periods.length > 0;
  const maxPeriod = seasonal ? largestPeriod(context) : 1;
  switch (name) {
    case 'seasonal-naive':
      return seasonal && length > maxPeriod;
    case 'stl-ets':
    case 'stl-linear':
      return seasonal && length >= 2 * maxPeriod && length >= 8;
    case 'ets-seasonal':
    case 'stl-ets+ets-seasonal':
      return context.periods.length === 1 && maxPeriod <= MAX_ETS_SEASONAL_PERIOD && length >= 2 * maxPeriod + 4;
    case 'ets':
      return length >= 8;
    case 'drift':
      return length >= 3;
    case 'naive':
    case 'mean':
      return length >= 1;
  }
}

/** Candidates considered by automatic selection, simplest first (ties go to the simpler model). */
export function defaultCandidates(length: number, context: SeasonalContext): Candidate[] {
  const names: ModelName[] =
    context.periods.length > 0
      ? ['seasonal-naive', 'stl-linear', 'stl-ets', 'ets-seasonal', 'stl-ets+ets-seasonal']
      : ['naive', 'mean', 'drift', 'ets'];
  return names.filter((name) => isApplicable(name, length, context)).map(candidate);
}

/** Fits a set of candidates on one training window, sharing the components of combinations. */
export function runCandidates(
  candidates: Candidate[],
  y: ArrayLike<number>,
  horizon: number,
  context: SeasonalContext,
): Map<ModelName, ModelForecast | null> {
  const cache = new Map<ModelName, ModelForecast | null>();
  const get = (name: ModelName): ModelForecast | null => {
    if (cache.has(name)) return cache.get(name) ?? null;
    const c = candidate(name);
    let result: ModelForecast | null;
    if (c.combines) {
      const [a, b] = c.combines.map(get);
      result =
        a && b
          ? {
              mean: a.mean.map((v, i) => (v + b.mean[i]) / 2),
              // Averaging the error SDs assumes fully correlated errors: conservative, never too narrow.
              sd: a.sd.map((v, i) => (v + b.sd[i]) / 2),
              description: `average of ${a.description} and ${b.description}`,
            }
          : null;
    } else {
      const f = (c.run as ModelFunction)(y, horizon, context);
      result = isUsable(f) ? f : null;
    }
    cache.set(name, result);
    return result;
  };
  const out = new Map<ModelName, ModelForecast | null>();
  for (const c of candidates) out.set(c.name, get(c.name));
  return out;
}

function isUsable(f: ModelForecast): boolean {
  return f.mean.every(Number.isFinite) && f.sd.every((v) => Number.isFinite(v) && v >= 0);
}
