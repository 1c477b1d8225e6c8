/**
 * The effect of known events on accuracy, on the demo dataset's daily series: a forecast over the holidays with and
 * without the holidays as a regressor (error on the weeks holding a holiday, and on the other weeks), and a forecast
 * after the launch with and without the launch's days evened out of the history.
 */
import { forecast, type ForecastEvent } from '../index';

export interface DemoFixture {
  holidays: string[];
  launch: string[];
  series: { name: string; granularity: 'day' | 'hour'; start: string; values: number[] }[];
}

export interface EventStudyRow {
  name: string;
  /** Mean absolute error without and with the event, on the weeks holding it and on the others. */
  eventWeeks: [number, number];
  otherWeeks: [number, number];
  effect: number;
}

const DAY_MS = 86_400_000;

function study(values: number[], dayIndex: (date: string) => number, dates: string[], origin: number, horizon: number, name: string): EventStudyRow {
  const at = dates.map(dayIndex).filter((t) => t >= 0 && t < origin + horizon);
  const train = values.slice(0, origin);
  const test = values.slice(origin, origin + horizon);
  const event: ForecastEvent = { name, at };
  const plain = forecast(train, { period: 7, horizon });
  const withEvent = forecast(train, { period: 7, horizon, events: [event] });
  const weeks = new Set(at.filter((t) => t >= origin).map((t) => Math.floor((t - origin) / 7)));
  const mae = (mean: number[], inEventWeek: boolean) => {
    const idx = test.map((_, i) => i).filter((i) => weeks.has(Math.floor(i / 7)) === inEventWeek);
    return idx.length ? idx.reduce((s, i) => s + Math.abs(test[i] - mean[i]), 0) / idx.length : NaN;
  };
  return {
    name,
    eventWeeks: [mae(plain.mean, true), mae(withEvent.mean, true)],
    otherWeeks: [mae(plain.mean, false), mae(withEvent.mean, false)],
    effect: withEvent.events?.[0].multiplier ?? NaN,
  };
}

/** Holidays: forecasts from the first of December before the last Christmas in the data, six weeks ahead. */
export function holidayStudy(fixture: DemoFixture): EventStudyRow[] {
  return fixture.series
    .filter((s) => s.granularity === 'day')
    .map((s) => {
      const start = Date.parse(s.start);
      const dayIndex = (date: string) => Math.round((Date.parse(`${date}T00:00:00Z`) - start) / DAY_MS);
      const lastChristmas = fixture.holidays.filter((d) => d.endsWith('-12-25') && dayIndex(d) + 14 < s.values.length).pop()!;
      const origin = dayIndex(`${lastChristmas.slice(0, 4)}-12-01`);
      return study(s.values, dayIndex, fixture.holidays, origin, 42, s.name);
    });
}

/** The launch: forecasts from two weeks after it, four weeks ahead, with its days evened out of the history or not. */
export function launchStudy(fixture: DemoFixture): EventStudyRow[] {
  return fixture.series
    .filter((s) => s.granularity === 'day' && (s.name === 'all' || s.name === 'product mobile-app'))
    .map((s) => {
      const start = Date.parse(s.start);
      const dayIndex = (date: string) => Math.round((Date.parse(`${date}T00:00:00Z`) - start) / DAY_MS);
      const row = study(s.values, dayIndex, fixture.launch, dayIndex(fixture.launch[0]) + 14, 28, s.name);
      return row;
    });
}
