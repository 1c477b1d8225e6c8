/**
 * Forecast accuracy measures (Hyndman & Koehler 2006; FPP3 §5.8), computed as R's
 * forecast::accuracy() does for MASE: test-set MAE divided by the in-sample MAE of the
 * seasonal naive method (lag = period) on the training data.
 */
import { assertInteger, assertSeries } from './validate';

function assertSameLength(a: ArrayLike<number>, b: ArrayLike<number>, nameA: string, nameB: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${nameB} must have the same length as ${nameA} (${b.length} vs ${a.length})`);
  }
}

/** Mean absolute error. */
export function mae(actual: number[], predicted: number[]): number {
  assertSeries(actual, 'actual');
  assertSeries(predicted, 'predicted');
  assertSameLength(actual, predicted, 'actual', 'predicted');
  let s = 0;
  for (let i = 0; i < actual.length; i++) s += Math.abs(actual[i] - predicted[i]);
  return s / actual.length;
}

/** In-sample MAE of the seasonal naive method with lag `period` (the MASE scale). */
export function seasonalNaiveScale(training: number[], period: number): number {
  assertInteger(period, 'period', 1);
  assertSeries(training, 'training', period + 1);
  let s = 0;
  for (let i = period; i < training.length; i++) s += Math.abs(training[i] - training[i - period]);
  return s / (training.length - period);
}

/**
 * Mean absolute scaled error: MAE / seasonal-naive in-sample MAE (period 1 = naive).
 * Infinite when the training data is exactly periodic (zero scale).
 */
export function mase(actual: number[], predicted: number[], training: number[], period: number): number {
  const error = mae(actual, predicted);
  const scale = seasonalNaiveScale(training, period);
  if (scale === 0) return error === 0 ? 0 : Number.POSITIVE_INFINITY;
  return error / scale;
}

/**
 * Symmetric MAPE in percent, Hyndman's definition: 200 * mean(|a - f| / (|a| + |f|)).
 * A term with a = f = 0 is defined as 0 (a perfect forecast of zero volume), not NaN.
 */
export function smape(actual: number[], predicted: number[]): number {
  assertSeries(actual, 'actual');
  assertSeries(predicted, 'predicted');
  assertSameLength(actual, predicted, 'actual', 'predicted');
  let s = 0;
  for (let i = 0; i < actual.length; i++) {
    const denominator = Math.abs(actual[i]) + Math.abs(predicted[i]);
    if (denominator > 0) s += Math.abs(actual[i] - predicted[i]) / denominator;
  }
  return (200 * s) / actual.length;
}

/** Share (0..1) of actual values inside [lower, upper], bounds included. */
export function intervalCoverage(actual: number[], lower: number[], upper: number[]): number {
  assertSeries(actual, 'actual');
  assertSeries(lower, 'lower');
  assertSeries(upper, 'upper');
  assertSameLength(actual, lower, 'actual', 'lower');
  assertSameLength(actual, upper, 'actual', 'upper');
  let inside = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] >= lower[i] && actual[i] <= upper[i]) inside++;
  return inside / actual.length;
}
