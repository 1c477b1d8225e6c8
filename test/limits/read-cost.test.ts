import { getIntrospectionQuery, parse } from 'graphql';
import { loadConfig } from '../../src/config/config';
import type { Dimension } from '../../src/metrics/dimensions';
import type { HoursMode } from '../../src/metrics/metric-definition';
import { RAW_READ_COST, READ_COST_DAYS, readPath, ROLLUP_READ_COST } from '../../src/metrics/metric-cost';
import { buildMetricQueries, type Grouping } from '../../src/metrics/metric-query';
import { metricByName } from '../../src/metrics/registry';
import type { Scope } from '../../src/metrics/scope';
import { estimateCost, INTROSPECTION_COST } from '../../src/metrics/query-cost';
import { buildApiSchema } from '../../src/server/schema';

const schema = buildApiSchema();
const defaults = loadConfig({});
const cost = (query: string, options: { env?: Record<string, string>; scope?: Scope; variables?: Record<string, unknown> } = {}) =>
  estimateCost(schema, parse(query), undefined, options.variables ?? {}, loadConfig(options.env ?? {}), options.scope ?? null);
const iso = (days: number, hours = 0) => new Date(Date.UTC(2025, 0, 1 + days, hours)).toISOString();
const period = (days: number, startHour = 0) => `{ from: "${iso(0, startHour)}", to: "${iso(days, startHour)}" }`;
const spans = (days: number) => Math.ceil(days / READ_COST_DAYS);
/** What asking for `fields` of a metric adds to asking for a field that reads nothing (its unit). */
const readOf = (query: (fields: string) => string, fields: string) => cost(query(fields)) - cost(query('unit'));

describe('the cost of reading a metric', () => {
  const frt =
    (days: number, args = '') =>
    (fields: string) =>
      `{ firstResponseTime(period: ${period(days)}${args}) { ${fields} } }`;

  it('grows with the period: per started 30 days, 1 from the rollups', () => {
    expect(readOf(frt(7), 'value')).toBe(ROLLUP_READ_COST);
    expect(readOf(frt(365), 'value')).toBe(spans(365) * ROLLUP_READ_COST);
  });

  it('prices a year of exact percentiles like the values (the rollups hold the durations), in business hours as raw', () => {
    const week = cost(frt(7)('value'));
    expect(readOf(frt(365), 'value median')).toBe(spans(365) * ROLLUP_READ_COST + 1);
    const response = (fields: string) => `{ averageResponseTime(period: ${period(365)}) { ${fields} } }`;
    expect(readOf(response, 'value median p90')).toBe(spans(365) * ROLLUP_READ_COST + 2);
    // Business-hour durations depend on each ticket's calendar: computed from the raw rows.
    expect(cost(frt(365, ', hours: BUSINESS')('value median p90'))).toBeGreaterThanOrEqual(week + spans(365) * RAW_READ_COST - 2);
    expect(readOf(frt(365, ', hours: BUSINESS'), 'value')).toBe(spans(365) * RAW_READ_COST);
    expect(readOf(frt(365, ', hours: BUSINESS'), 'value median')).toBe(spans(365) * RAW_READ_COST + 1);
  });

  it('prices raw reads when rollups are off, the period is off the hour, or the scope names a dimension the rollups lack', () => {
    expect(cost(frt(90)('value'), { env: { METRIC_ROLLUPS: 'off' } }) - cost(frt(90)('unit'))).toBe(spans(90) * RAW_READ_COST);
    const offHour = (fields: string) => `{ firstResponseTime(period: { from: "2025-01-01T00:30:00Z", to: "2025-03-01T00:30:00Z" }) { ${fields} } }`;
    expect(readOf(offHour, 'value')).toBe(spans(59) * RAW_READ_COST);
    expect(cost(frt(90)('value'), { scope: { agent: ['A001'] } }) - cost(frt(90)('unit'))).toBe(spans(90) * RAW_READ_COST);
    expect(cost(frt(90)('value'), { scope: { product: ['api'] } }) - cost(frt(90)('unit'))).toBe(spans(90) * ROLLUP_READ_COST);
  });

  it('charges a statement once, however many fields it answers', () => {
    const P = period(90);
    const business = (fields: string) => `firstResponseTime(period: ${P}, hours: BUSINESS) { ${fields} }`;
    const together = cost(`{ ${business('value median')} }`);
    expect(together).toBeGreaterThanOrEqual(spans(90) * RAW_READ_COST);
    // The loaders answer both aliases from one statement over the raw rows.
    expect(cost(`{ a: ${business('value')} b: ${business('median')} }`)).toBe(together + 1);
    // The same field asked again under another alias is the same statement too.
    expect(cost(`{ a: ${business('value median')} b: ${business('value median')} }`)).toBe(2 * together - spans(90) * RAW_READ_COST);
    // On the calendar, the value and the percentiles are two statements on the rollup (sums, durations), charged once.
    const frtTogether = cost(`{ firstResponseTime(period: ${P}) { value median } }`);
    expect(cost(`{ a: firstResponseTime(period: ${P}) { value } b: firstResponseTime(period: ${P}) { median } }`)).toBe(frtTogether + 1);
  });

  it('charges a series the read its statement adds: none beside the total on the same rollup, a raw one in a half-hour zone', () => {
    const q = frt(30);
    const series = (args: string) => cost(q(`value series(${args}) { value }`)) - cost(q('value'));
    const daily = series('granularity: DAY');
    expect(daily).toBe(cost(q('unit series(granularity: DAY) { value }')) - cost(q('unit')) - ROLLUP_READ_COST);
    const hourlyKolkata = series('granularity: HOUR, timezone: "Asia/Kolkata"');
    const hourlyUtc = series('granularity: HOUR');
    // In UTC the hourly series reads the hourly rollup (a statement of its own beside the daily total); in Kolkata the raw rows.
    expect(hourlyKolkata - hourlyUtc).toBe(spans(30) * (RAW_READ_COST - ROLLUP_READ_COST));
  });

  it('charges comparisons, baselines and drivers for the previous periods they read', () => {
    const raw = frt(60, ', hours: BUSINESS');
    expect(readOf(raw, 'comparison { previousValue }') - readOf(raw, 'value')).toBeGreaterThanOrEqual(spans(60) * RAW_READ_COST);
    expect(cost(raw('baseline(periods: 8)')) - cost(raw('baseline(periods: 4)'))).toBe(4 * (5 + spans(60) * RAW_READ_COST));
    expect(readOf(raw, 'drivers(by: CHANNEL) { unexplained }')).toBeGreaterThanOrEqual(2 * spans(60) * RAW_READ_COST);
  });

  it('refuses (over MAX_QUERY_COST) 48 aliases of a year of business-hour medians over different periods', () => {
    const aliases = Array.from(
      { length: 48 },
      (_, i) => `a${i}: firstResponseTime(period: { from: "${iso(i)}", to: "${iso(i + 365)}" }, hours: BUSINESS) { value median p90 }`,
    );
    expect(cost(`{ ${aliases.join(' ')} }`)).toBeGreaterThan(defaults.MAX_QUERY_COST);
  });
});

describe('the path a read is priced by', () => {
  // The price must follow the statement the loaders build: the rollups exactly when readPath says so.
  const cases: {
    name: string;
    metric: string;
    from: string;
    to: string;
    hours: HoursMode;
    percentiles: boolean;
    filter?: Partial<Record<Dimension, string[]>>;
    grouping: Grouping;
  }[] = [
    {
      name: 'a quarter total',
      metric: 'firstResponseTime',
      from: iso(0),
      to: iso(90),
      hours: 'calendar',
      percentiles: false,
      grouping: { kind: 'total' },
    },
    {
      name: 'with medians',
      metric: 'firstResponseTime',
      from: iso(0),
      to: iso(90),
      hours: 'calendar',
      percentiles: true,
      grouping: { kind: 'total' },
    },
    {
      name: 'with medians, by channel',
      metric: 'averageResolutionTime',
      from: iso(0),
      to: iso(90),
      hours: 'calendar',
      percentiles: true,
      grouping: { kind: 'breakdown', dimension: 'channel' },
    },
    {
      name: 'reply-wait medians',
      metric: 'averageResponseTime',
      from: iso(0),
      to: iso(90),
      hours: 'calendar',
      percentiles: true,
      grouping: { kind: 'total' },
    },
    {
      name: 'business-hour medians',
      metric: 'firstResponseTime',
      from: iso(0),
      to: iso(90),
      hours: 'business',
      percentiles: true,
      grouping: { kind: 'total' },
    },
    {
      name: 'business hours',
      metric: 'firstResponseTime',
      from: iso(0),
      to: iso(90),
      hours: 'business',
      percentiles: false,
      grouping: { kind: 'total' },
    },
    {
      name: 'whole hours',
      metric: 'ticketVolume',
      from: iso(0, 5),
      to: iso(30, 7),
      hours: 'calendar',
      percentiles: false,
      grouping: { kind: 'total' },
    },
    {
      name: 'half hours',
      metric: 'ticketVolume',
      from: '2025-01-01T00:30:00Z',
      to: iso(30),
      hours: 'calendar',
      percentiles: false,
      grouping: { kind: 'total' },
    },
    {
      name: 'by agent',
      metric: 'ticketVolume',
      from: iso(0),
      to: iso(30),
      hours: 'calendar',
      percentiles: false,
      grouping: { kind: 'breakdown', dimension: 'agent' },
    },
    {
      name: 'by channel',
      metric: 'ticketVolume',
      from: iso(0),
      to: iso(30),
      hours: 'calendar',
      percentiles: false,
      grouping: { kind: 'breakdown', dimension: 'channel' },
    },
    {
      name: 'hourly in Kolkata',
      metric: 'ticketVolume',
      from: iso(0),
      to: iso(7),
      hours: 'calendar',
      percentiles: false,
      grouping: { kind: 'series', granularity: 'hour', timezone: 'Asia/Kolkata' },
    },
    {
      name: 'a team filter',
      metric: 'ticketVolume',
      from: iso(0),
      to: iso(30),
      hours: 'calendar',
      percentiles: false,
      filter: { team: ['billing'] },
      grouping: { kind: 'total' },
    },
    { name: 'a per-bucket metric', metric: 'backlog', from: iso(0), to: iso(30), hours: 'calendar', percentiles: false, grouping: { kind: 'total' } },
  ];
  it.each(cases)('$name', ({ metric: name, from, to, hours, percentiles, filter = {}, grouping }) => {
    const metric = metricByName(name);
    const p = { from: new Date(from), to: new Date(to), timezone: 'UTC' };
    const path = readPath({ metric, period: p, filter, hours, percentiles }, grouping, { rollups: { enabled: true, timezone: 'UTC' }, scope: null });
    // Priced as raw when any of its statements reads the raw rows.
    const statements = buildMetricQueries([metric], p, filter, [grouping], hours, { percentiles, rollups: true, rollupTimezone: 'UTC' });
    expect(statements.some((q) => !/_rollup\b|_rollup_daily\b/.test(q.sql))).toBe(path === 'raw');
  });
});

describe('the cost of introspection', () => {
  it('is INTROSPECTION_COST per __schema or __type selection', () => {
    expect(cost('{ __schema { queryType { name } } }')).toBeGreaterThanOrEqual(INTROSPECTION_COST);
    expect(cost('{ __type(name: "Query") { name } }')).toBeGreaterThanOrEqual(INTROSPECTION_COST);
  });

  it("lets the explorer's full introspection query through and refuses 50 aliased __schema selections", () => {
    expect(cost(getIntrospectionQuery())).toBeLessThanOrEqual(defaults.MAX_QUERY_COST);
    const fifty = Array.from({ length: 50 }, (_, i) => `s${i}: __schema { types { name fields { name } } }`).join(' ');
    expect(cost(`{ ${fifty} }`)).toBeGreaterThan(defaults.MAX_QUERY_COST);
  });
});

describe('the cost of a read with an unknown time zone', () => {
  it('is estimated (the resolver then refuses the zone), not an estimator failure', () => {
    expect(
      cost(
        `{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z", timezone: "Mars/Olympus" }) { value series(granularity: HOUR, timezone: "Nowhere/Else") { value } } }`,
      ),
    ).toBeGreaterThan(0);
  });
});
