import { intervalCoverage, mae, mase, seasonalNaiveScale, smape } from '../../forecasting';
import { seasonalNaiveForecast } from '../../forecasting/models/benchmarks';
import { normalQuantile } from '../../forecasting/normal';
import { FORECAST_CASES } from './fixtures';

describe('accuracy measures', () => {
  it.each(FORECAST_CASES.map((c) => [c.name, c] as const))("MASE of seasonal naive reproduces R's forecast::accuracy on %s", (_name, c) => {
    const snaive = seasonalNaiveForecast(c.train, c.horizon, c.period);
    expect(mase(c.test, snaive.mean, c.train, c.period)).toBeCloseTo(c.mase.snaive, 12);
  });

  it('MASE is the test MAE over the in-sample seasonal-naive MAE (Hyndman & Koehler 2006)', () => {
    const training = [1, 2, 3, 5, 4, 6];
    // lag-2 differences: 2, 3, 1, 1 -> scale 7/4
    expect(seasonalNaiveScale(training, 2)).toBeCloseTo(1.75, 15);
    expect(mase([10, 20], [11, 18], training, 2)).toBeCloseTo(1.5 / 1.75, 15);
    expect(mase([1], [1], [3, 3, 3], 1)).toBe(0);
    expect(mase([1], [2], [3, 3, 3], 1)).toBe(Number.POSITIVE_INFINITY);
  });

  it("sMAPE follows Hyndman's 200 * mean(|a - f| / (|a| + |f|)) with 0/0 = 0", () => {
    expect(smape([100, 200], [110, 180])).toBeCloseTo(100 * (10 / 210 + 20 / 380), 12);
    expect(smape([0, 0], [0, 0])).toBe(0);
    expect(smape([0, 10], [0, 30])).toBeCloseTo(100 * (20 / 40), 12);
    expect(smape([0], [5])).toBe(200);
  });

  it('MAE and interval coverage', () => {
    expect(mae([1, 2, 3], [2, 2, 5])).toBeCloseTo(1, 15);
    expect(intervalCoverage([1, 5, 10, 3], [0, 0, 0, 3], [2, 4, 10, 4])).toBe(0.75);
  });

  it('normal quantiles are accurate (interval multipliers)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 8);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655446004, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 8);
  });

  it('validates arguments by name', () => {
    expect(() => mae([1, 2], [1])).toThrow(/predicted/);
    expect(() => smape([1, NaN], [1, 2])).toThrow(/actual\[1\]/);
    expect(() => mase([1], [1], [1, 2], 0)).toThrow(/period/);
    expect(() => mase([1], [1], [1, 2], 2)).toThrow(/training/);
    expect(() => intervalCoverage([1, 2], [0, 0], [3])).toThrow(/upper/);
  });
});
