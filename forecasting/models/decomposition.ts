/**
 * Decomposition-based forecasts (FPP3 §5.7 "Forecasting with decomposition"; R forecast::stlf):
 * STL/MSTL removes the seasonal component(s), a non-seasonal model forecasts the seasonally
 * adjusted series, and the last cycle of each seasonal component is carried forward (seasonal naive).
 * As in stlf, the intervals come from the non-seasonal model only (seasonal uncertainty is ignored).
 */
import { defaultSeasonalWindow, mstlCore } from '../mstl';
import { autoEts, forecastEts } from './ets';
import type { ModelForecast, SeasonalContext } from './types';

interface Adjusted {
  adjusted: Float64Array;
  /** Sum of the seasonal components carried forward over the horizon. */
  futureSeasonal: number[];
}

interface Decomposition {
  adjusted: Float64Array;
  seasonals: { period: number; values: Float64Array }[];
}

// Several candidates decompose the same training window; decompose it once.
const decompositions = new WeakMap<object, Map<string, Decomposition>>();

function decompose(y: ArrayLike<number>, periods: number[]): Decomposition {
  const key = periods.join(',');
  let perSeries = decompositions.get(y);
  const cached = perSeries?.get(key);
  if (cached) return cached;
  const n = y.length;
  const windows = periods.map((_, i) => defaultSeasonalWindow(i));
  const { seasonals } = mstlCore(y, periods, windows, 2);
  const adjusted = new Float64Array(y);
  for (const { values } of seasonals) for (let t = 0; t < n; t++) adjusted[t] -= values[t];
  const result = { adjusted, seasonals };
  if (!perSeries) {
    perSeries = new Map();
    decompositions.set(y, perSeries);
  }
  perSeries.set(key, result);
  return result;
}

function seasonallyAdjust(y: ArrayLike<number>, horizon: number, periods: number[]): Adjusted {
  const n = y.length;
  const { adjusted, seasonals } = decompose(y, periods);
  const futureSeasonal = new Array<number>(horizon).fill(0);
  for (const { period, values } of seasonals) {
    for (let h = 0; h < horizon; h++) futureSeasonal[h] += values[n - period + (h % period)];
  }
  return { adjusted, futureSeasonal };
}

/** STL (MSTL for several periods) + ETS on the seasonally adjusted series: R's stlf(). */
export function stlEtsForecast(y: ArrayLike<number>, horizon: number, context: SeasonalContext): ModelForecast {
  const { adjusted, futureSeasonal } = seasonallyAdjust(y, horizon, context.periods);
  const fit = autoEts(adjusted, 0, context.hints?.get('stl-ets'));
  context.recorder?.set('stl-ets', fit.hint);
  const f = forecastEts(fit, horizon);
  return {
    mean: f.mean.map((v, h) => v + futureSeasonal[h]),
    sd: f.sd,
    description: `STL + ${f.description}`,
  };
}

/** STL (MSTL) + a least-squares linear trend on the seasonally adjusted series. */
export function stlLinearForecast(y: ArrayLike<number>, horizon: number, context: SeasonalContext): ModelForecast {
  const { adjusted, futureSeasonal } = seasonallyAdjust(y, horizon, context.periods);
  const n = adjusted.length;
  const { slope, intercept } = leastSquaresLine(adjusted);
  let rss = 0;
  for (let t = 0; t < n; t++) rss += (adjusted[t] - (intercept + slope * t)) ** 2;
  const s = Math.sqrt(rss / Math.max(1, n - 2));
  const xbar = (n - 1) / 2;
  const sxx = (n * (n * n - 1)) / 12;
  const mean: number[] = [];
  const sd: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    const x = n - 1 + h;
    mean.push(intercept + slope * x + futureSeasonal[h - 1]);
    sd.push(s * Math.sqrt(1 + 1 / n + ((x - xbar) * (x - xbar)) / sxx));
  }
  return { mean, sd, description: 'STL + linear trend' };
}

/**
 * Least-squares line through (t, y[t]), t = 0..n-1, computed as simple-statistics' linearRegression
 * does (means first, then centred sums; slope 0 through a single point), so the fitted values stay the
 * same, without building n point pairs.
 */
function leastSquaresLine(y: ArrayLike<number>): { slope: number; intercept: number } {
  const n = y.length;
  if (n === 1) return { slope: 0, intercept: y[0] };
  let sumX = 0;
  let sumY = 0;
  for (let t = 0; t < n; t++) {
    sumX += t;
    sumY += y[t];
  }
  const meanX = sumX / n;
  const meanY = sumY / n;
  let sumXY = 0;
  let sumXX = 0;
  for (let t = 0; t < n; t++) {
    const dx = t - meanX;
    sumXY += dx * (y[t] - meanY);
    sumXX += dx * dx;
  }
  const slope = sumXY / sumXX;
  return { slope, intercept: meanY - slope * meanX };
}
