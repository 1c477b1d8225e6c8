/**
 * Benchmark methods from Hyndman & Athanasopoulos, FPP3 §5.2 (mean, naive, seasonal naive, drift),
 * with the h-step standard deviations of FPP3 Table 5.2. They are both candidates and fallbacks
 * for series too short for anything else.
 */
import type { ModelForecast } from './types';

function rootMeanSquare(values: number[]): number {
  if (values.length === 0) return 0;
  let s = 0;
  for (const v of values) s += v * v;
  return Math.sqrt(s / values.length);
}

/** Forecasts every horizon with the historical mean. */
export function meanForecast(y: ArrayLike<number>, horizon: number): ModelForecast {
  const n = y.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (y[i] - mean) ** 2;
  const s = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const sd = s * Math.sqrt(1 + 1 / n);
  return { mean: new Array(horizon).fill(mean), sd: new Array(horizon).fill(sd), description: 'mean' };
}

/** Forecasts every horizon with the last observation (random walk). */
export function naiveForecast(y: ArrayLike<number>, horizon: number): ModelForecast {
  const n = y.length;
  const diffs: number[] = [];
  for (let i = 1; i < n; i++) diffs.push(y[i] - y[i - 1]);
  const sigma = rootMeanSquare(diffs);
  const mean = new Array<number>(horizon).fill(y[n - 1]);
  const sd = mean.map((_, h) => sigma * Math.sqrt(h + 1));
  return { mean, sd, description: 'naive' };
}

/** Random walk with drift: extends the line from the first to the last observation. */
export function driftForecast(y: ArrayLike<number>, horizon: number): ModelForecast {
  const n = y.length;
  if (n < 2) return { ...naiveForecast(y, horizon), description: 'drift' };
  const slope = (y[n - 1] - y[0]) / (n - 1);
  const residuals: number[] = [];
  for (let i = 1; i < n; i++) residuals.push(y[i] - y[i - 1] - slope);
  // Residual scale with one degree of freedom spent on the slope.
  const sigma = n > 2 ? rootMeanSquare(residuals) * Math.sqrt((n - 1) / (n - 2)) : 0;
  const mean: number[] = [];
  const sd: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    mean.push(y[n - 1] + h * slope);
    sd.push(sigma * Math.sqrt(h * (1 + h / (n - 1))));
  }
  return { mean, sd, description: 'drift' };
}

/** Seasonal naive: each forecast repeats the value one period earlier. */
export function seasonalNaiveForecast(y: ArrayLike<number>, horizon: number, period: number): ModelForecast {
  const n = y.length;
  const residuals: number[] = [];
  for (let i = period; i < n; i++) residuals.push(y[i] - y[i - period]);
  const sigma = rootMeanSquare(residuals);
  const mean: number[] = [];
  const sd: number[] = [];
  for (let h = 1; h <= horizon; h++) {
    const cycles = Math.floor((h - 1) / period);
    mean.push(y[n - period + ((h - 1) % period)]);
    sd.push(sigma * Math.sqrt(cycles + 1));
  }
  return { mean, sd, description: `seasonal naive (period ${period})` };
}
