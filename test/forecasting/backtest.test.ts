import { backtest, mase, smape } from '../../forecasting';
import { seasonalNaiveForecast } from '../../forecasting/models/benchmarks';
import { FORECAST_CASES } from './fixtures';

describe('backtest', () => {
  const c = FORECAST_CASES[0]; // nottem, monthly
  const series = [...c.train, ...c.test];

  it('places non-overlapping origins at the end of the series', () => {
    const r = backtest(series, { period: 12, horizon: 12, origins: 3, model: 'seasonal-naive' });
    expect(r.origins.map((o) => o.origin)).toEqual([series.length - 36, series.length - 24, series.length - 12]);
    expect(r.origins.every((o) => o.actual.length === 12 && o.mean.length === 12)).toBe(true);
  });

  it("last origin of a fixed seasonal-naive backtest reproduces R's MASE on the reference split", () => {
    const r = backtest(series, { period: 12, horizon: 24, origins: 1, model: 'seasonal-naive' });
    expect(r.origins[0].origin).toBe(c.train.length);
    expect(r.origins[0].mase).toBeCloseTo(c.mase.snaive, 12);
    expect(r.aggregate.mase).toBeCloseTo(c.mase.snaive, 12);
  });

  it('aggregates per-origin measures (mean of MASE, sMAPE, MAE; pooled coverage)', () => {
    const r = backtest(series, { period: 12, horizon: 12, origins: 4, step: 6, model: 'seasonal-naive' });
    expect(r.origins.map((o) => o.origin)).toEqual([204, 210, 216, 222].map((x) => x + series.length - 234));
    for (const o of r.origins) {
      const train = series.slice(0, o.origin);
      const expected = seasonalNaiveForecast(train, 12, 12).mean;
      expect(o.mean).toEqual(expected);
      expect(o.mase).toBeCloseTo(mase(o.actual, expected, train, 12), 12);
      expect(o.smape).toBeCloseTo(smape(o.actual, expected), 12);
    }
    const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(r.aggregate.mase).toBeCloseTo(meanOf(r.origins.map((o) => o.mase as number)), 12);
    expect(r.aggregate.mae).toBeCloseTo(meanOf(r.origins.map((o) => o.mae)), 12);
    expect(r.aggregate.coverage[0].rate).toBeCloseTo(meanOf(r.origins.map((o) => o.coverage[0].rate)), 12);
  });

  it('evaluates the automatic choice at each origin by default', () => {
    const r = backtest(c.train, { period: 12, horizon: 12, origins: 2 });
    expect(r.origins).toHaveLength(2);
    for (const o of r.origins) expect(typeof o.model).toBe('string');
    expect(r.aggregate.mase).toBeGreaterThan(0);
  });

  it('validates its arguments', () => {
    expect(() => backtest(series, { horizon: 0 })).toThrow(/horizon/);
    expect(() => backtest(series, { horizon: 12, origins: 0 })).toThrow(/origins/);
    expect(() => backtest(series, { horizon: 12, step: 0 })).toThrow(/step/);
    expect(() => backtest(series.slice(0, 30), { horizon: 12, origins: 3 })).toThrow(/too short/);
    expect(() => backtest(series, { horizon: 12, model: 'x' as never })).toThrow(/model/);
  });
});
