import { stl } from '../../forecasting';
import { maxAbsDiff, STL_CASES } from './fixtures';

const byName = (name: string) => {
  const c = STL_CASES.find((x) => x.name === name);
  if (!c) throw new Error(`fixture ${name} missing`);
  return c;
};

describe('stl against R stats::stl and statsmodels STL', () => {
  it.each(STL_CASES.map((c) => [c.name, c] as const))('%s matches the reference to 1e-6', (_name, c) => {
    const result = stl(c.series, { period: c.period, ...c.options });
    expect(maxAbsDiff(result.seasonal, c.seasonal)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.trend, c.trend)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.remainder, c.remainder)).toBeLessThan(1e-6);
    expect(maxAbsDiff(result.weights, c.weights)).toBeLessThan(1e-6);
  });

  it("fills in R's defaults (t.window, l.window, inner, outer) when omitted", () => {
    const plain = byName('nottem-s7');
    // R: t.window = nextodd(ceiling(1.5 * 12 / (1 - 1.5 / 7))) = 23, l.window = 13, inner 2, outer 0.
    const r = stl(plain.series, { period: 12, seasonalWindow: 7 });
    expect(maxAbsDiff(r.seasonal, plain.seasonal)).toBeLessThan(1e-6);
    expect(maxAbsDiff(r.trend, plain.trend)).toBeLessThan(1e-6);

    const robust = byName('nottem-robust-s7');
    // robust = TRUE implies inner 1, outer 15.
    const rr = stl(robust.series, { period: 12, seasonalWindow: 7, robust: true });
    expect(maxAbsDiff(rr.trend, robust.trend)).toBeLessThan(1e-6);
    expect(maxAbsDiff(rr.weights, robust.weights)).toBeLessThan(1e-6);
  });

  it('periodic seasonal component repeats exactly every period', () => {
    const c = byName('co2-periodic');
    const r = stl(c.series, { period: 12, seasonalWindow: 'periodic', trendWindow: 19 });
    for (let i = 12; i < r.seasonal.length; i++) expect(r.seasonal[i]).toBeCloseTo(r.seasonal[i - 12], 12);
  });

  it('components add up to the series', () => {
    const c = byName('nottem-s7');
    const r = stl(c.series, { period: 12, seasonalWindow: 7 });
    r.seasonal.forEach((s, i) => expect(s + r.trend[i] + r.remainder[i]).toBeCloseTo(c.series[i], 10));
  });

  describe('input validation names the argument', () => {
    const y = byName('nottem-s7').series;
    it.each([
      [{ period: 1, seasonalWindow: 7 }, /period/],
      [{ period: 12.5, seasonalWindow: 7 }, /period/],
      [{ period: 12, seasonalWindow: 8 }, /seasonalWindow must be odd/],
      [{ period: 12, seasonalWindow: 5 }, /seasonalWindow must be an integer >= 7/],
      [{ period: 12, seasonalWindow: 7, trendWindow: 22 }, /trendWindow must be odd/],
      [{ period: 12, seasonalWindow: 7, lowPassWindow: 1 }, /lowPassWindow/],
      [{ period: 12, seasonalWindow: 7, seasonalDegree: 2 }, /seasonalDegree/],
      [{ period: 12, seasonalWindow: 7, inner: 0 }, /inner/],
      [{ period: 12, seasonalWindow: 7, outer: -1 }, /outer/],
      [{ period: 200, seasonalWindow: 7 }, /at least two periods/],
    ])('%j', (options, message) => {
      expect(() => stl(y, options as never)).toThrow(message);
    });

    it('rejects NaN and non-arrays', () => {
      expect(() => stl([1, 2, NaN, 4, 5, 6, 7, 8], { period: 2, seasonalWindow: 7 })).toThrow(/series\[2\]/);
      expect(() => stl('abc' as never, { period: 2, seasonalWindow: 7 })).toThrow(/series/);
    });
  });
});
