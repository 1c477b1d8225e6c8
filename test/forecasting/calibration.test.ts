import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { forecast } from '../../forecasting';
import { chooseByScore } from '../../forecasting/forecast';
import { intervalMultiplier } from '../../forecasting/normal';
import { conformalMultipliers, crossValidatedCoverage, levelRatio } from '../../forecasting/selection';
import { coverageStudy, demoCoverageCases, pooledCoverage, referenceCoverageCases } from '../../forecasting/scripts/coverage-study';
import { FORECAST_CASES } from './fixtures';

describe('conformalMultipliers (split conformal, Lei et al. 2018)', () => {
  it('takes the ⌈(n+1)·level⌉-th smallest absolute error', () => {
    // 19 errors of sizes 1..19 with mixed signs: ⌈20·0.8⌉ = 16th and ⌈20·0.95⌉ = 19th smallest.
    const errors = Array.from({ length: 19 }, (_, i) => (i % 2 ? -(i + 1) : i + 1));
    expect(conformalMultipliers(errors, [80, 95])).toEqual([16, 19]);
    // Level order does not matter.
    expect(conformalMultipliers(errors, [95, 80])).toEqual([19, 16]);
  });

  it('falls back to the larger of the normal quantile and the largest error when there are too few errors', () => {
    // 18 errors cannot give a 95% conformal quantile (⌈19·0.95⌉ = 19 > 18).
    const small = Array.from({ length: 18 }, () => 0.5);
    expect(conformalMultipliers(small, [80, 95])).toEqual([0.5, intervalMultiplier(95)]);
    const large = Array.from({ length: 18 }, (_, i) => i + 1);
    expect(conformalMultipliers(large, [95])).toEqual([18]);
    expect(conformalMultipliers([], [80])).toEqual([intervalMultiplier(80)]);
  });

  it('never gives a higher level a smaller multiplier', () => {
    // 4 errors: 50% uses the 3rd smallest (3), 80% falls back to max(1.28, 4) = 4, 60% uses the 3rd again.
    expect(conformalMultipliers([1, 2, 3, 4], [50, 60, 80])).toEqual([3, 3, 4]);
  });
});

describe('levelRatio', () => {
  it("is the last cycle's mean over the mean of the cycle before the origin", () => {
    const series = [10, 10, 10, 10, 20, 20, 20, 20, 30, 30, 30, 30];
    expect(levelRatio(series, 4, 4)).toBe(3);
    expect(levelRatio(series, 8, 4)).toBe(1.5);
    expect(levelRatio([30, 30, 10, 10], 2, 2)).toBeCloseTo(1 / 3, 15);
    expect(levelRatio(series, 12, 4)).toBe(1);
  });

  it('is bounded, and 1 when a cycle is empty', () => {
    const series = [1, 1, 1, 100, 100, 100];
    expect(levelRatio(series, 3, 3)).toBe(3);
    expect(levelRatio([0, 0, 0, 5, 5, 5], 3, 3)).toBe(1);
    expect(levelRatio([5, 5, 5, 0, 0, 0], 3, 3)).toBe(1);
  });
});

describe('crossValidatedCoverage', () => {
  it('judges each origin by multipliers calibrated on the other origins only', () => {
    // Origin A's errors are small, B's large: calibrated on A, B misses; calibrated on B, A is inside.
    const a = Array.from({ length: 19 }, () => 0.1);
    const b = Array.from({ length: 19 }, () => 5);
    const [c80] = crossValidatedCoverage([a, b], [80]);
    expect(c80.rate).toBeCloseTo(0.5, 12);
    // Pooled in-sample they would all be inside: the estimate is out of sample.
    const pooled = conformalMultipliers([...a, ...b], [80]);
    expect([...a, ...b].every((e) => Math.abs(e) <= pooled[0])).toBe(true);
  });
});

describe('calibrated intervals in forecast()', () => {
  const c = FORECAST_CASES[2]; // support-daily-1
  const calibrated = forecast(c.train, { period: c.period, horizon: c.horizon });
  const model = forecast(c.train, { period: c.period, horizon: c.horizon, intervals: 'model' });

  it("scales the model's own interval by the calibrated multiplier, same point forecast", () => {
    expect(calibrated.calibration.method).toBe('calibrated');
    expect(calibrated.calibration.errors).toBeGreaterThanOrEqual(3 * 20);
    expect(model.calibration).toEqual({
      method: 'model',
      errors: 0,
      multipliers: [80, 95].map((level) => ({ level, multiplier: intervalMultiplier(level) })),
    });
    expect(calibrated.mean).toEqual(model.mean);
    calibrated.intervals.forEach((interval, l) => {
      const ratio = calibrated.calibration.multipliers[l].multiplier / model.calibration.multipliers[l].multiplier;
      interval.upper.forEach((u, i) => {
        expect(u - calibrated.mean[i]).toBeCloseTo((model.intervals[l].upper[i] - model.mean[i]) * ratio, 9);
      });
    });
  });

  it('reports out-of-sample backtest coverage of the calibrated intervals', () => {
    const rates = calibrated.accuracy!.coverage.map((x) => x.rate);
    expect(rates[0]).toBeGreaterThan(0.6);
    expect(rates[1]).toBeGreaterThanOrEqual(rates[0]);
  });

  it('uses the normal intervals with a note when the history is too short to backtest', () => {
    const short = forecast(c.train.slice(0, 8), { period: 7, horizon: 7 });
    expect(short.calibration.method).toBe('model');
    expect(short.note).toMatch(/not calibrated/);
  });

  it('rejects an unknown interval method, naming the option', () => {
    expect(() => forecast(c.train, { period: 7, horizon: 7, intervals: 'wide' as never })).toThrow(/^intervals must be/);
  });
});

describe('coverage of the calibrated intervals out of sample (forecast.json and the demo data)', () => {
  const demo = JSON.parse(readFileSync(join(__dirname, '../fixtures/forecasting/demo-series.json'), 'utf8')) as {
    series: Parameters<typeof demoCoverageCases>[0];
  };
  const rows = coverageStudy([...referenceCoverageCases(FORECAST_CASES), ...demoCoverageCases(demo.series)]);

  it('pools to 75–85% at 80% and 91–98% at 95%', () => {
    expect(rows.reduce((s, r) => s + r.points, 0)).toBeGreaterThan(1000);
    const pooled = pooledCoverage(rows, 'calibrated');
    expect(pooled[80]).toBeGreaterThanOrEqual(0.75);
    expect(pooled[80]).toBeLessThanOrEqual(0.85);
    expect(pooled[95]).toBeGreaterThanOrEqual(0.91);
    expect(pooled[95]).toBeLessThanOrEqual(0.98);
  });

  it('covers several segments and both granularities', () => {
    expect(rows.filter((r) => r.name.endsWith('daily')).length).toBeGreaterThanOrEqual(4);
    expect(rows.filter((r) => r.name.endsWith('hourly')).length).toBeGreaterThanOrEqual(2);
  });
});

describe('chooseByScore', () => {
  const score = (model: string, s: number) => ({ model, score: s, measures: { mae: 0, smape: 0, mase: s, coverage: [] }, scaledErrors: [] }) as never;
  const pick = (...scores: [string, number][]) => chooseByScore(scores.map(([m, s]) => score(m, s))).model;

  it('keeps the combination within 20% of the best, but not when seasonal naive wins by more than 10%', () => {
    expect(pick(['stl-ets+ets-seasonal', 1], ['stl-ets', 0.9], ['seasonal-naive', 1.2])).toBe('stl-ets+ets-seasonal');
    expect(pick(['stl-ets+ets-seasonal', 1], ['stl-ets', 0.8], ['seasonal-naive', 1.2])).toBe('stl-ets');
    expect(pick(['stl-ets+ets-seasonal', 1], ['seasonal-naive', 0.95])).toBe('stl-ets+ets-seasonal');
    expect(pick(['stl-ets+ets-seasonal', 1], ['seasonal-naive', 0.88])).toBe('seasonal-naive');
  });
});
