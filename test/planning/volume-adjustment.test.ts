import { adjustSeries, checkAdjustment, scenarioForecast } from '../../src/planning/volume-adjustment';

// Two local days of 12-hour buckets: 2025-03-03 fully, 2025-03-04 only its first half.
const buckets = [
  { localStart: '2025-03-03T00:00:00', value: 10 },
  { localStart: '2025-03-03T12:00:00', value: 30 },
  { localStart: '2025-03-04T00:00:00', value: 0 },
];

describe('volume adjustments', () => {
  it('scales every bucket by the multiplier, and a day by its own in place of it', () => {
    const out = adjustSeries(buckets, 720, checkAdjustment({ multiplier: 1.5, days: [{ date: '2025-03-04', multiplier: 3 }] }));
    expect(out).toEqual([
      { value: 15, scale: 1.5 },
      { value: 45, scale: 1.5 },
      { value: 0, scale: 3 },
    ]);
  });

  it("spreads a day's volume in the baseline's shape, and evenly over a baseline of 0", () => {
    expect(adjustSeries(buckets, 720, checkAdjustment({ days: [{ date: '2025-03-03', volume: 80 }] })).slice(0, 2)).toEqual([
      { value: 20, scale: 2 },
      { value: 60, scale: 2 },
    ]);
    const daily = [{ localStart: '2025-03-05T00:00:00', value: 0 }];
    expect(adjustSeries(daily, 1440, checkAdjustment({ days: [{ date: '2025-03-05', volume: 7 }] }))).toEqual([{ value: 7, scale: null }]);
  });

  it('gives a day set over a baseline of 0 no interval, and scales the others', () => {
    const point = (localStart: string, value: number) => ({
      start: new Date(`${localStart}Z`),
      localStart,
      value,
      intervals: [{ level: 80, lower: value / 2, upper: value * 2 }],
    });
    const s = scenarioForecast(
      [point('2025-03-05T00:00:00', 0), point('2025-03-06T00:00:00', 4)],
      'day',
      checkAdjustment({ multiplier: 2, days: [{ date: '2025-03-05', volume: 7 }] }),
    );
    expect(s.forecast.map((p) => [p.value, p.intervals[0].lower, p.intervals[0].upper])).toEqual([
      [7, 7, 7],
      [8, 4, 16],
    ]);
    expect([s.total, s.baselineTotal]).toEqual([15, 4]);
  });

  it('refuses the volume of a day only partly in the series, naming it', () => {
    expect(() => adjustSeries(buckets, 720, checkAdjustment({ days: [{ date: '2025-03-04', volume: 5 }] }))).toThrow(
      /^adjustment\.days\[0\]\.volume: 2025-03-04 is only partly/,
    );
  });
});
