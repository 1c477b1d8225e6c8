import { forecast, intervalCoverage, mase, type ForecastResult } from '../../forecasting';
import { FORECAST_CASES } from './fixtures';

const results = new Map<string, ForecastResult>(FORECAST_CASES.map((c) => [c.name, forecast(c.train, { period: c.period, horizon: c.horizon })]));
const get = (name: string) => results.get(name) as ForecastResult;

function expectWellFormed(r: ForecastResult, horizon: number): void {
  expect(r.mean).toHaveLength(horizon);
  for (const v of r.mean) expect(Number.isFinite(v) && v >= 0).toBe(true);
  for (const interval of r.intervals) {
    expect(interval.lower).toHaveLength(horizon);
    expect(interval.upper).toHaveLength(horizon);
    interval.lower.forEach((lo, i) => {
      expect(Number.isFinite(lo) && lo >= 0).toBe(true);
      expect(Number.isFinite(interval.upper[i])).toBe(true);
      expect(lo).toBeLessThanOrEqual(r.mean[i]);
      expect(interval.upper[i]).toBeGreaterThanOrEqual(r.mean[i]);
    });
  }
}

describe('forecast on the R reference splits (forecast.json)', () => {
  it.each(FORECAST_CASES.map((c) => [c.name, c] as const))('%s: more accurate than seasonal naive', (name, c) => {
    const r = get(name);
    expectWellFormed(r, c.horizon);
    expect(mase(c.test, r.mean, c.train, c.period)).toBeLessThan(c.mase.snaive);
  });

  it("is no worse than R's stlf (MASE) on at least two of the three cases", () => {
    const wins = FORECAST_CASES.filter((c) => mase(c.test, get(c.name).mean, c.train, c.period) <= c.mase.stlf);
    expect(wins.length).toBeGreaterThanOrEqual(2);
  });

  it('80% and 95% intervals cover the test data at close to their nominal rates across the cases', () => {
    let total = 0;
    const inside: Record<number, number> = { 80: 0, 95: 0 };
    for (const c of FORECAST_CASES) {
      for (const interval of get(c.name).intervals) {
        inside[interval.level] += intervalCoverage(c.test, interval.lower, interval.upper) * c.test.length;
      }
      total += c.test.length;
    }
    const rate80 = inside[80] / total;
    const rate95 = inside[95] / total;
    // 76 test points: a binomial 95% band around 0.80 is about ±0.09, around 0.95 about ±0.05.
    expect(rate80).toBeGreaterThan(0.7);
    expect(rate80).toBeLessThan(0.92);
    expect(rate95).toBeGreaterThan(0.85);
    expect(rate95).toBeGreaterThan(rate80);
  });

  it('intervals widen with the horizon and nest (95% contains 80%)', () => {
    for (const c of FORECAST_CASES) {
      const r = get(c.name);
      const [i80, i95] = r.intervals;
      expect([i80.level, i95.level]).toEqual([80, 95]);
      for (const interval of r.intervals) {
        const width = interval.upper.map((u, i) => u - interval.lower[i]);
        for (let h = 1; h < width.length; h++) expect(width[h]).toBeGreaterThanOrEqual(width[h - 1] - 1e-9);
        expect(width[width.length - 1]).toBeGreaterThan(width[0]);
      }
      i80.lower.forEach((lo, h) => {
        expect(i95.lower[h]).toBeLessThanOrEqual(lo);
        expect(i95.upper[h]).toBeGreaterThanOrEqual(i80.upper[h]);
      });
    }
  });

  it('reports the chosen model and its backtest accuracy on the training data', () => {
    for (const c of FORECAST_CASES) {
      const r = get(c.name);
      expect(r.accuracy).not.toBeNull();
      const a = r.accuracy as NonNullable<ForecastResult['accuracy']>;
      expect(a.mase).toBeGreaterThan(0);
      expect(a.smape).toBeGreaterThan(0);
      expect(a.mae).toBeGreaterThan(0);
      expect(a.coverage.map((x) => x.level)).toEqual([80, 95]);
      expect(a.origins).toBeGreaterThanOrEqual(1);
      expect(r.candidates.map((x) => x.model)).toContain(r.model);
      expect(r.note).toBeUndefined();
    }
  });
});

describe('forecast fallbacks and edge cases', () => {
  it('falls back to a non-seasonal model with an honest note when the series is shorter than two seasons', () => {
    const y = [120, 130, 125, 140, 135, 90, 80, 125, 128, 131];
    const r = forecast(y, { period: 7, horizon: 7 });
    expectWellFormed(r, 7);
    expect(['naive', 'mean', 'drift', 'ets']).toContain(r.model);
    expect(r.note).toMatch(/fewer than two full cycles of period 7/);
    expect(r.note).toMatch(/non-seasonal/);
  });

  it('handles a single value and all-zero series without NaN', () => {
    const one = forecast([3], { horizon: 3 });
    expectWellFormed(one, 3);
    expect(one.mean).toEqual([3, 3, 3]);
    expect(one.note).toMatch(/single observation/);
    const zeros = forecast(new Array(60).fill(0), { period: 7, horizon: 14 });
    expectWellFormed(zeros, 14);
    expect(zeros.mean.every((v) => v === 0)).toBe(true);
  });

  it('never goes below zero for a series heading towards zero', () => {
    const y = Array.from({ length: 84 }, (_, t) => Math.max(0, 60 - t + (t % 7 === 0 ? 10 : 0)));
    const r = forecast(y, { period: 7, horizon: 28 });
    expectWellFormed(r, 28);
  });

  it('uses MSTL with periods 24 and 168 for hourly data, dropping a period it cannot estimate', () => {
    const hourly = Array.from({ length: 168 * 4 }, (_, t) =>
      Math.round(20 + 15 * Math.max(0, Math.sin((Math.PI * ((t % 24) - 6)) / 14)) * (Math.floor(t / 24) % 7 >= 5 ? 0.4 : 1)),
    );
    const r = forecast(hourly, { periods: [24, 168], horizon: 48 });
    expectWellFormed(r, 48);
    expect(r.note).toBeUndefined();
    expect(['seasonal-naive', 'stl-ets', 'stl-linear']).toContain(r.model);
    const short = forecast(hourly.slice(0, 200), { periods: [24, 168], horizon: 24 });
    expectWellFormed(short, 24);
    expect(short.note).toMatch(/period 168/);
  });

  it('can be told which model to use', () => {
    const c = FORECAST_CASES[0];
    const r = forecast(c.train, { period: c.period, horizon: 12, model: 'seasonal-naive' });
    expect(r.model).toBe('seasonal-naive');
    expect(r.mean).toEqual(c.train.slice(-12));
  });

  it('rejects bad input with errors naming the argument', () => {
    const y = FORECAST_CASES[0].train;
    expect(() => forecast([], { horizon: 1 })).toThrow(/series/);
    expect(() => forecast([1, NaN], { horizon: 1 })).toThrow(/series\[1\]/);
    expect(() => forecast([1, -2], { horizon: 1 })).toThrow(/series\[1\]/);
    expect(() => forecast(y, { horizon: 0 })).toThrow(/horizon/);
    expect(() => forecast(y, { horizon: 2.5 })).toThrow(/horizon/);
    expect(() => forecast(y, { horizon: 3, period: 0 })).toThrow(/period/);
    expect(() => forecast(y, { horizon: 3, periods: [24, 1] })).toThrow(/periods\[1\]/);
    expect(() => forecast(y, { horizon: 3, period: 12, periods: [12] })).toThrow(/period or periods/);
    expect(() => forecast(y, { horizon: 3, levels: [80, 100] })).toThrow(/levels/);
    expect(() => forecast(y, { horizon: 3, model: 'prophet' as never })).toThrow(/model/);
    expect(() => forecast(y.slice(0, 10), { horizon: 3, period: 12, model: 'stl-ets' })).toThrow(/model stl-ets/);
    expect(() => forecast(y, { horizon: 3, origins: 0 })).toThrow(/origins/);
  });
});
