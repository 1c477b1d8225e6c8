import { detectAnomalies } from '../../src/metrics/anomalies';

// A daily series with growth, a weekly pattern and deterministic noise.
const week = [120, 130, 128, 125, 118, 60, 45];
const series = (days: number) => Array.from({ length: days }, (_, i) => week[i % 7] + i * 0.5 + ((i * 37) % 11) - 5);

describe('detectAnomalies', () => {
  it('flags an injected spike and nothing else', () => {
    const values = series(84);
    values[50] += 300;
    const found = detectAnomalies(values, { period: 7 });
    expect(found.map((a) => a.index)).toEqual([50]);
    expect(found[0].deviation).toBeGreaterThan(250);
    expect(found[0].expected).toBeGreaterThan(100);
    expect(found[0].score).toBeGreaterThan(3.5);
  });

  it('flags nothing on a clean series', () => {
    expect(detectAnomalies(series(84), { period: 7 })).toEqual([]);
  });

  it('flags a drop on a weekday as well as a spike', () => {
    const values = series(84);
    values[30] = 5; // a Wednesday-like day with almost no tickets (an outage of the form)
    expect(detectAnomalies(values, { period: 7 }).map((a) => a.index)).toEqual([30]);
  });

  it('never flags gaps, and interpolates them for the decomposition', () => {
    const values: (number | null)[] = series(56);
    values[10] = null;
    values[40] = (values[40] as number) + 400;
    expect(detectAnomalies(values, { period: 7 }).map((a) => a.index)).toEqual([40]);
  });

  it('judges a series shorter than two weeks against its median', () => {
    expect(detectAnomalies([10, 11, 9, 10, 12, 10, 95, 11, 10], { period: 7 }).map((a) => a.index)).toEqual([6]);
  });

  it('returns nothing for constant or tiny series, and rejects a bad threshold', () => {
    expect(detectAnomalies([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5], { period: 7 })).toEqual([]);
    expect(detectAnomalies([1, null], { period: 7 })).toEqual([]);
    expect(() => detectAnomalies([1, 2, 3], { period: 7, threshold: 0 })).toThrow('threshold');
  });
});
