/** Typed access to the R / statsmodels reference fixtures copied into test/fixtures/forecasting. */
import stlCases from '../fixtures/forecasting/stl.json';
import forecastCases from '../fixtures/forecasting/forecast.json';

export interface StlCase {
  name: string;
  series: number[];
  period: number;
  options: {
    seasonalWindow: number | 'periodic';
    seasonalDegree: 0 | 1;
    trendWindow: number;
    lowPassWindow: number;
    robust: boolean;
    inner: number;
    outer: number;
  };
  seasonal: number[];
  trend: number[];
  remainder: number[];
  weights: number[];
  reference: string;
}

export interface ForecastCase {
  name: string;
  period: number;
  horizon: number;
  train: number[];
  test: number[];
  mase: { snaive: number; stlf: number; ets: number; arima: number };
  stlf: { mean: number[]; lower80: number[]; upper80: number[]; lower95: number[]; upper95: number[] };
}

export const STL_CASES = stlCases as StlCase[];
export const FORECAST_CASES = forecastCases as ForecastCase[];

/** Largest absolute elementwise difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
