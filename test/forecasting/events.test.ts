import { forecast, mase } from '../../forecasting';

/** A deterministic daily series: weekly pattern, slow growth, noise, and optional holiday dips to 40%. */
function dailySeries(days: number, holidays: Set<number>, dip: number): number[] {
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const weekly = [0.5, 1.15, 1.1, 1.05, 1, 0.95, 0.45];
  return Array.from({ length: days }, (_, t) => {
    const usual = (200 + 0.05 * t) * weekly[t % 7] * (1 + 0.12 * noise());
    return Math.round(holidays.has(t) ? usual * dip : usual);
  });
}

// Ten holidays a year, on the same days of each 364-day "year" (so they fall on the same weekdays), three years.
const YEAR_HOLIDAYS = [3, 40, 95, 120, 150, 185, 240, 300, 330, 333];
const HOLIDAYS = new Set([0, 1, 2].flatMap((y) => YEAR_HOLIDAYS.map((d) => y * 364 + d)));
const DAYS = 3 * 364;
const ORIGIN = 2 * 364 + 91; // the test window (13 weeks) holds the holidays at 95, 120 and 150 of the third year
const HORIZON = 91;

function holidayWeekError(series: number[], withEvents: boolean): { holidayWeeks: number; otherWeeks: number; effect?: number; mase: number } {
  const train = series.slice(0, ORIGIN);
  const test = series.slice(ORIGIN, ORIGIN + HORIZON);
  const at = [...HOLIDAYS].filter((t) => t < ORIGIN + HORIZON);
  const f = forecast(train, { period: 7, horizon: HORIZON, events: withEvents ? [{ name: 'holiday', at }] : undefined });
  const weeks = new Set(at.filter((t) => t >= ORIGIN).map((t) => Math.floor((t - ORIGIN) / 7)));
  const mae = (pick: (i: number) => boolean) => {
    const idx = test.map((_, i) => i).filter(pick);
    return idx.reduce((s, i) => s + Math.abs(test[i] - f.mean[i]), 0) / idx.length;
  };
  return {
    holidayWeeks: mae((i) => weeks.has(Math.floor(i / 7))),
    otherWeeks: mae((i) => !weeks.has(Math.floor(i / 7))),
    effect: f.events?.[0].multiplier,
    mase: mase(test, f.mean, train, 7),
  };
}

describe('events as regressors', () => {
  it('a holiday regressor learns the dip and lowers the error on holiday weeks', () => {
    const series = dailySeries(DAYS, HOLIDAYS, 0.4);
    const without = holidayWeekError(series, false);
    const withEvents = holidayWeekError(series, true);
    expect(withEvents.effect).toBeGreaterThan(0.35);
    expect(withEvents.effect).toBeLessThan(0.45);
    expect(withEvents.holidayWeeks).toBeLessThan(0.6 * without.holidayWeeks);
    expect(withEvents.otherWeeks).toBeLessThan(1.1 * without.otherWeeks);
  });

  it('leaves a series without holiday effects as accurate as before', () => {
    const series = dailySeries(DAYS, HOLIDAYS, 1);
    const without = holidayWeekError(series, false);
    const withEvents = holidayWeekError(series, true);
    expect(Math.abs((withEvents.effect as number) - 1)).toBeLessThan(0.08);
    expect(withEvents.mase).toBeLessThan(1.03 * without.mase);
  });

  it('applies a given multiplier to the future positions, and reports each effect', () => {
    const series = dailySeries(400, new Set(), 1);
    const plain = forecast(series, { period: 7, horizon: 14 });
    const launch = forecast(series, { period: 7, horizon: 14, events: [{ name: 'launch', at: [402, 403], multiplier: 1.5 }] });
    expect(launch.events).toEqual([{ name: 'launch', multiplier: 1.5, source: 'given', historyPositions: 0, forecastPositions: 2 }]);
    launch.mean.forEach((v, h) => expect(v).toBeCloseTo(plain.mean[h] * (h === 2 || h === 3 ? 1.5 : 1), 9));
    expect(launch.intervals[1].upper[2]).toBeCloseTo(plain.intervals[1].upper[2] * 1.5, 9);
  });

  it('says so when an event has no past occurrence and no multiplier', () => {
    const series = dailySeries(400, new Set(), 1);
    const r = forecast(series, { period: 7, horizon: 14, events: [{ name: 'campaign', at: [405] }] });
    expect(r.events?.[0]).toMatchObject({ source: 'none', multiplier: 1 });
    expect(r.note).toMatch(/campaign/);
  });

  it('rejects malformed events, naming the event', () => {
    const series = dailySeries(60, new Set(), 1);
    expect(() => forecast(series, { period: 7, horizon: 7, events: [{ name: 'x', at: [1, 70] }] })).toThrow(/^events\[0\]\.at\[1\] must be < 67/);
    expect(() =>
      forecast(series, {
        period: 7,
        horizon: 7,
        events: [
          { name: 'x', at: [1] },
          { name: 'x', at: [2] },
        ],
      }),
    ).toThrow(/^events\[1\]\.name: "x" is given twice/);
    expect(() => forecast(series, { period: 7, horizon: 7, events: [{ name: 'x', at: [1], multiplier: -1 }] })).toThrow(/^events\[0\]\.multiplier/);
    expect(() => forecast(series, { period: 7, horizon: 7, events: [{ name: '', at: [] }] })).toThrow(/^events\[0\]\.name/);
  });
});
