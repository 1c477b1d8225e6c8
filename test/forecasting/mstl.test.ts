import { mstl, stl } from '../../forecasting';
import { maxAbsDiff, STL_CASES } from './fixtures';

/** Deterministic noise so the synthetic tests are reproducible. */
function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

const daily = (h: number) => 10 * Math.sin((2 * Math.PI * h) / 24) + 4 * Math.cos((4 * Math.PI * h) / 24);
const weekly = (h: number): number => (Math.floor(h / 24) % 7 >= 5 ? -6 : 2.4);

function hourlySeries(weeks: number): { y: number[]; trend: number[] } {
  const rand = noise(11);
  const y: number[] = [];
  const trend: number[] = [];
  for (let t = 0; t < weeks * 168; t++) {
    const tr = 100 + 0.01 * t;
    trend.push(tr);
    y.push(tr + daily(t) + weekly(t) + rand());
  }
  return { y, trend };
}

describe('mstl', () => {
  it('with one period reduces to R stats::stl (nottem, s.window 7)', () => {
    const c = STL_CASES.find((x) => x.name === 'nottem-s7');
    if (!c) throw new Error('fixture missing');
    const r = mstl(c.series, { periods: [12], seasonalWindows: [7] });
    expect(maxAbsDiff(r.seasonals[0].values, c.seasonal)).toBeLessThan(1e-6);
    expect(maxAbsDiff(r.trend, c.trend)).toBeLessThan(1e-6);
    expect(maxAbsDiff(r.remainder, c.remainder)).toBeLessThan(1e-6);
  });

  it("uses R's default seasonal window 11 for a single period", () => {
    const c = STL_CASES[0];
    const r = mstl(c.series, { periods: [12] });
    const s = stl(c.series, { period: 12, seasonalWindow: 11 });
    expect(maxAbsDiff(r.seasonals[0].values, s.seasonal)).toBeLessThan(1e-12);
  });

  const { y, trend } = hourlySeries(8);
  const result = mstl(y, { periods: [168, 24] });

  it('returns the seasonals in ascending order of period', () => {
    expect(result.seasonals.map((s) => s.period)).toEqual([24, 168]);
  });

  it('components sum to the series', () => {
    y.forEach((v, t) => {
      const sum = result.trend[t] + result.seasonals[0].values[t] + result.seasonals[1].values[t] + result.remainder[t];
      expect(Math.abs(sum - v)).toBeLessThan(1e-9);
    });
  });

  it('recovers two known seasonal patterns and the trend from noisy hourly data', () => {
    // Judge the middle weeks: STL end effects are expected at both ends.
    const from = 168;
    const to = y.length - 168;
    const daySeasonal = result.seasonals[0].values;
    const weekSeasonal = result.seasonals[1].values;
    // The weekly pattern is a level shift by day; centre it as STL does (zero mean over a week).
    const weeklyMean = Array.from({ length: 168 }, (_, h) => weekly(h)).reduce((a, b) => a + b) / 168;
    let dayErr = 0;
    let weekErr = 0;
    let trendErr = 0;
    for (let t = from; t < to; t++) {
      dayErr = Math.max(dayErr, Math.abs(daySeasonal[t] - daily(t)));
      // Whatever of the weekly shift leaks into the daily component must come back in the sum.
      weekErr = Math.max(weekErr, Math.abs(daySeasonal[t] + weekSeasonal[t] - (daily(t) + weekly(t) - weeklyMean)));
      trendErr = Math.max(trendErr, Math.abs(result.trend[t] - (trend[t] + weeklyMean)));
    }
    expect(dayErr).toBeLessThan(1); // the daily pattern's amplitude is about 14
    expect(weekErr).toBeLessThan(0.8); // the noise is uniform on ±0.5
    expect(trendErr).toBeLessThan(0.2);
    // The remainder is the noise (uniform on ±0.5) plus small smoothing error.
    const rms = Math.sqrt(result.remainder.slice(from, to).reduce((s, v) => s + v * v, 0) / (to - from));
    expect(rms).toBeLessThan(0.35); // noise standard deviation is 0.29
  });

  it('does not depend on the order the periods are given in', () => {
    const other = mstl(y, { periods: [24, 168] });
    expect(maxAbsDiff(other.trend, result.trend)).toBe(0);
  });

  it('validates its arguments', () => {
    expect(() => mstl(y, { periods: [] })).toThrow(/periods/);
    expect(() => mstl(y, { periods: [1] })).toThrow(/periods\[0\]/);
    expect(() => mstl(y, { periods: [24, 24] })).toThrow(/periods must not repeat/);
    expect(() => mstl(y.slice(0, 300), { periods: [24, 168] })).toThrow(/two cycles/);
    expect(() => mstl(y, { periods: [24, 168], seasonalWindows: [11] })).toThrow(/seasonalWindows/);
    expect(() => mstl(y, { periods: [24], seasonalWindows: [10] })).toThrow(/seasonalWindows\[0\]/);
    expect(() => mstl(y, { periods: [24], iterations: 0 })).toThrow(/iterations/);
  });
});
