/**
 * The benchmark's dashboard: twelve metrics over 90 days of one product, each with its value, a daily series, a
 * breakdown by channel and the previous period. Shared by the HTTP runs (GraphQL document, response reader), the
 * hand-written SQL (the same numbers in the same shape) and the cross-check between them.
 */
import { metricByName } from '../src/metrics/registry';
import { SNAPSHOT_DASHBOARD_METRICS } from '../src/metrics/sql-snapshots';

/** The dashboard's metrics, in the order they are requested and reported (declared with the SQL snapshots of its statements). */
export const DASHBOARD_METRICS = SNAPSHOT_DASHBOARD_METRICS;
export type DashboardMetric = (typeof DASHBOARD_METRICS)[number];

/** The metrics of the dashboard that have a median and p90 (the "with medians" variant asks for them). */
export const DURATION_METRICS: readonly DashboardMetric[] = ['firstResponseTime', 'averageResolutionTime'];

/** What a dashboard is computed for: the period [from, to), the previous period [previousFrom, from), its buckets. */
export interface DashboardParams {
  from: Date;
  to: Date;
  /** Start of the previous period of equal length (it ends at `from`). */
  previousFrom: Date;
  /** IANA zone of the daily buckets; `from` and `to` are midnights there. */
  timezone: string;
  /** The one product the dashboard is filtered to. */
  product: string;
  /** Local start of every daily bucket (YYYY-MM-DDT00:00:00), as the API lists them. */
  days: string[];
}

export interface DashboardPoint {
  value: number | null;
  sampleSize: number;
  /** Duration metrics of the dashboard with medians: the exact median and p90 (absent where not computed). */
  median?: number | null;
  p90?: number | null;
}

/** One metric of the dashboard as the API returns it (with medians where the document asks for them). */
export interface MetricNumbers extends DashboardPoint {
  previousValue: number | null;
  previousSampleSize: number;
  series: (DashboardPoint & { localStart: string })[];
  breakdown: (DashboardPoint & { segment: string | null })[];
}

export type DashboardNumbers = Record<DashboardMetric, MetricNumbers>;

// ---------------------------------------------------------------------------------------------------------------
// The period

const DAY_MS = 86_400_000;

/** UTC offset of a zone at an instant, in minutes. */
function offsetMinutes(timezone: string, at: Date): number {
  const name = new Intl.DateTimeFormat('en-US', { timeZone: timezone, timeZoneName: 'longOffset' })
    .formatToParts(at)
    .find((p) => p.type === 'timeZoneName')?.value;
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDate(timezone: string, at: Date): string {
  return new Date(at.getTime() + offsetMinutes(timezone, at) * 60_000).toISOString().slice(0, 10);
}

/** The instant of a local midnight (the date's 00:00 in the zone). */
export function localMidnight(timezone: string, date: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  let at = guess - offsetMinutes(timezone, new Date(guess)) * 60_000;
  at = guess - offsetMinutes(timezone, new Date(at)) * 60_000;
  return new Date(at);
}

/** The calendar date `days` after a date (YYYY-MM-DD). */
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * The last `days` whole local days before `dataEnd` (the exclusive end of the data), from local midnight to local
 * midnight, and the previous period of equal length (as the API's comparison computes it).
 */
export function dashboardParams(dataEnd: Date, options: { days: number; timezone: string; product: string }): DashboardParams {
  const { timezone, product } = options;
  const lastDay = localDate(timezone, dataEnd);
  // The day dataEnd falls in is complete only when dataEnd is its midnight; otherwise the period ends at that midnight.
  const toDate = localMidnight(timezone, lastDay).getTime() <= dataEnd.getTime() ? lastDay : addDays(lastDay, -1);
  const fromDate = addDays(toDate, -options.days);
  const from = localMidnight(timezone, fromDate);
  const to = localMidnight(timezone, toDate);
  const days: string[] = [];
  for (let d = fromDate; d < toDate; d = addDays(d, 1)) days.push(`${d}T00:00:00`);
  return { from, to, previousFrom: new Date(2 * from.getTime() - to.getTime()), timezone, product, days };
}

// ---------------------------------------------------------------------------------------------------------------
// The GraphQL request

/** The dashboard as one GraphQL operation; `medians` also asks the duration metrics for their median and p90. */
export function dashboardDocument(options: { medians: boolean }): string {
  const fields = DASHBOARD_METRICS.map((m) => {
    const percentiles = options.medians && DURATION_METRICS.includes(m) ? ' median p90' : '';
    return `  ${m}(period: $period, product: $product) {
    value sampleSize${percentiles}
    series(granularity: DAY, timezone: $timezone) { localStart value sampleSize }
    breakdown(by: CHANNEL) { segment value sampleSize${percentiles} }
    comparison { previousValue previousSampleSize absoluteChange relativeChange improved }
  }`;
  });
  return `query ${options.medians ? 'DashboardWithMedians' : 'Dashboard'}($period: PeriodInput!, $product: [String!], $timezone: String) {
${fields.join('\n')}
}`;
}

/** The variables of the dashboard operation. */
export function dashboardVariables(p: DashboardParams): Record<string, unknown> {
  return { period: { from: p.from.toISOString(), to: p.to.toISOString(), timezone: p.timezone }, product: [p.product], timezone: p.timezone };
}

/** The dashboard's numbers from a GraphQL response's `data`. */
export function numbersFromResponse(data: Record<string, any>): DashboardNumbers {
  const out = {} as DashboardNumbers;
  for (const m of DASHBOARD_METRICS) {
    const r = data[m];
    if (!r) throw new Error(`the response has no ${m}`);
    const percentiles = (p: any) => ('median' in p ? { median: p.median, p90: p.p90 } : {});
    out[m] = {
      value: r.value,
      sampleSize: r.sampleSize,
      ...percentiles(r),
      previousValue: r.comparison.previousValue,
      previousSampleSize: r.comparison.previousSampleSize,
      series: r.series.map((b: any) => ({ localStart: b.localStart, value: b.value, sampleSize: b.sampleSize })),
      breakdown: r.breakdown.map((b: any) => ({ segment: b.segment, value: b.value, sampleSize: b.sampleSize, ...percentiles(b) })),
    };
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Assembling numbers from SQL rows, and comparing two dashboards

/**
 * One row of a hand-written statement's result, in the long format every SQL variant returns: a metric's value and
 * sample size for one part of the dashboard. `part` is 'current' or 'previous' (totals; key null), 'series' (key: the
 * bucket's local start, YYYY-MM-DDTHH:MI:SS) or 'breakdown' (key: the channel, null for records without one); a
 * duration's median and p90 come in rows of part 'percentiles' (the period) and 'breakdownPercentiles' (a channel).
 */
export interface LongRow {
  metric: string;
  part: 'current' | 'previous' | 'series' | 'breakdown' | 'percentiles' | 'breakdownPercentiles';
  key: string | null;
  value?: number | string | null;
  sample_size?: number | string;
  median?: number | string | null;
  p90?: number | string | null;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Applies the API's rule for "no data": with sample size 0, a null value becomes the metric's empty value (0 for counts). */
function point(metric: DashboardMetric, row: LongRow | undefined): DashboardPoint {
  const sampleSize = num(row?.sample_size) ?? 0;
  const value = num(row?.value);
  return { value: value === null && sampleSize === 0 ? metricByName(metric).emptyValue : value, sampleSize };
}

/** Builds the dashboard from long-format rows, listing every bucket and only segments with records, as the API does. */
export function assembleNumbers(rows: readonly LongRow[], p: DashboardParams): DashboardNumbers {
  const byMetric = new Map<string, LongRow[]>();
  for (const r of rows) {
    const list = byMetric.get(r.metric);
    if (list) list.push(r);
    else byMetric.set(r.metric, [r]);
  }
  const out = {} as DashboardNumbers;
  for (const m of DASHBOARD_METRICS) {
    const mine = byMetric.get(m) ?? [];
    const total = (part: 'current' | 'previous') =>
      point(
        m,
        mine.find((r) => r.part === part),
      );
    const series = new Map(mine.filter((r) => r.part === 'series').map((r) => [r.key, r]));
    const current = total('current');
    const previous = total('previous');
    const percentiles = (row: LongRow | undefined) => (row ? { median: num(row.median), p90: num(row.p90) } : {});
    const byChannel = new Map(mine.filter((r) => r.part === 'breakdownPercentiles').map((r) => [r.key, r]));
    out[m] = {
      ...current,
      ...percentiles(mine.find((r) => r.part === 'percentiles')),
      previousValue: previous.value,
      previousSampleSize: previous.sampleSize,
      series: p.days.map((localStart) => ({ localStart, ...point(m, series.get(localStart)) })),
      breakdown: mine
        .filter((r) => r.part === 'breakdown')
        .map((r) => ({ segment: r.key, ...point(m, r), ...percentiles(byChannel.get(r.key)) }))
        .filter((b) => b.sampleSize > 0)
        .sort((a, b) => (a.segment ?? '\uffff').localeCompare(b.segment ?? '\uffff')),
    };
  }
  return out;
}

/** One number that differs between two dashboards. */
export interface Difference {
  metric: string;
  where: string;
  expected: unknown;
  actual: unknown;
}

/** Equal within float rounding: 1e-9 relative (sums of seconds may be added in another order, or as numeric). */
function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Every number of `actual` that differs from `expected` (sample sizes exactly, values within float rounding). */
export function compareNumbers(expected: DashboardNumbers, actual: DashboardNumbers): Difference[] {
  const out: Difference[] = [];
  const check = (metric: string, where: string, e: DashboardPoint | undefined, a: DashboardPoint | undefined) => {
    if (!e || !a) {
      if (e !== a) out.push({ metric, where, expected: e ?? 'absent', actual: a ?? 'absent' });
      return;
    }
    if (e.sampleSize !== a.sampleSize) out.push({ metric, where: `${where} sampleSize`, expected: e.sampleSize, actual: a.sampleSize });
    if (!close(e.value, a.value)) out.push({ metric, where: `${where} value`, expected: e.value, actual: a.value });
    // Percentiles where the expected dashboard has them (the raw variant computes none).
    for (const k of ['median', 'p90'] as const) {
      if (k in e && !close(e[k] ?? null, a[k] ?? null)) out.push({ metric, where: `${where} ${k}`, expected: e[k], actual: a[k] ?? 'absent' });
    }
  };
  for (const m of DASHBOARD_METRICS) {
    const e = expected[m];
    const a = actual[m];
    check(m, 'period', e, a);
    check(
      m,
      'previous period',
      { value: e.previousValue, sampleSize: e.previousSampleSize },
      { value: a.previousValue, sampleSize: a.previousSampleSize },
    );
    const buckets = new Set([...e.series.map((b) => b.localStart), ...a.series.map((b) => b.localStart)]);
    for (const b of buckets)
      check(
        m,
        `series ${b}`,
        e.series.find((x) => x.localStart === b),
        a.series.find((x) => x.localStart === b),
      );
    const segments = new Set([...e.breakdown.map((b) => b.segment), ...a.breakdown.map((b) => b.segment)]);
    for (const s of segments)
      check(
        m,
        `breakdown ${s ?? '(none)'}`,
        e.breakdown.find((x) => x.segment === s),
        a.breakdown.find((x) => x.segment === s),
      );
  }
  return out;
}
