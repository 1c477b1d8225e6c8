/**
 * Ticket counts of the demo dataset per day and per hour for a few segments, computed straight from the generator
 * (the same records `deskmetrics demo` loads). The forecasting library's accuracy report and interval-coverage tests
 * read them as a fixture, so the library itself never touches the server or a database.
 */
import { demoHolidays, demoLaunchEvent } from './demo-planning';
import { demoSource, type DemoOptions } from './demo-source';

export interface DemoSeries {
  name: string;
  granularity: 'day' | 'hour';
  /** Seasonal periods the API would use at this granularity. */
  periods: number[];
  /** UTC start of the first bucket, ISO 8601. */
  start: string;
  values: number[];
}

interface Segment {
  name: string;
  test: (t: { channel: string; product: string | null; tier: string | null }) => boolean;
}

const DAILY: Segment[] = [
  { name: 'all', test: () => true },
  { name: 'email', test: (t) => t.channel === 'email' },
  { name: 'chat', test: (t) => t.channel === 'chat' },
  { name: 'phone', test: (t) => t.channel === 'phone' },
  { name: 'product api', test: (t) => t.product === 'api' },
  { name: 'product mobile-app', test: (t) => t.product === 'mobile-app' },
  { name: 'tier enterprise', test: (t) => t.tier === 'enterprise' },
];
const HOURLY: Segment[] = DAILY.filter((s) => s.name === 'chat' || s.name === 'email');
/** Hourly history as the staffing plan reads it by default (56 days). */
const HOURLY_DAYS = 56;

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** Daily counts over the whole window and hourly counts over its last 56 days, per segment. */
export function demoVolumeSeries(options: DemoOptions): DemoSeries[] {
  const source = demoSource(options);
  const endMs = source.options.endSec * 1000;
  const startMs = endMs - source.options.days * DAY_MS;
  const hourlyStartMs = endMs - HOURLY_DAYS * DAY_MS;
  const tierOf = new Map<string, string>();
  for (const c of source.valuesSync('customers')) tierOf.set(String(c.customer_id), String(c.tier));
  const daily = DAILY.map(() => new Array<number>(source.options.days).fill(0));
  const hourly = HOURLY.map(() => new Array<number>(HOURLY_DAYS * 24).fill(0));
  for (const t of source.valuesSync('tickets')) {
    const at = Date.parse(String(t.created_at));
    const record = {
      channel: String(t.channel),
      product: t.product === null ? null : String(t.product),
      tier: t.customer_id === null ? null : (tierOf.get(String(t.customer_id)) ?? null),
    };
    const day = Math.floor((at - startMs) / DAY_MS);
    if (day >= 0 && day < source.options.days) DAILY.forEach((s, i) => s.test(record) && daily[i][day]++);
    const hour = Math.floor((at - hourlyStartMs) / HOUR_MS);
    if (hour >= 0 && hour < HOURLY_DAYS * 24) HOURLY.forEach((s, i) => s.test(record) && hourly[i][hour]++);
  }
  return [
    ...DAILY.map((s, i): DemoSeries => ({
      name: s.name,
      granularity: 'day',
      periods: [7],
      start: new Date(startMs).toISOString(),
      values: daily[i],
    })),
    ...HOURLY.map((s, i): DemoSeries => ({
      name: s.name,
      granularity: 'hour',
      periods: [24, 168],
      start: new Date(hourlyStartMs).toISOString(),
      values: hourly[i],
    })),
  ];
}

/** The dataset `npm start` loads by default (100,000 tickets, seed 42). */
export const DEMO_SERIES_OPTIONS: DemoOptions = { tickets: 100_000, seed: 42 };

/** The fixture: the series, and the dates of the demo's holidays and launch (the known events of its forecasts). */
export function demoFixture(): { options: DemoOptions; holidays: string[]; launch: string[]; series: DemoSeries[] } {
  const source = demoSource(DEMO_SERIES_OPTIONS);
  return {
    options: DEMO_SERIES_OPTIONS,
    holidays: demoHolidays(source),
    launch: demoLaunchEvent(source)?.dates ?? [],
    series: demoVolumeSeries(DEMO_SERIES_OPTIONS),
  };
}
