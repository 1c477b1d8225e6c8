import DataLoader from 'dataloader';
import type { SegmentFilter } from './dimensions';
import type { MetricDefinition } from './metric-definition';
import { buildMetricQuery, type Grouping } from './metric-query';
import type { Granularity, Period } from './period';

/** Runs one parameterised statement; the per-request seam through which every metric query goes (and is counted in tests). */
export interface SqlExecutor {
  query<T = Record<string, unknown>>(sql: string, params: unknown[]): Promise<T[]>;
}

/** A metric's value and the count of records it was computed from. */
export interface MetricValue {
  value: number | null;
  sampleSize: number;
}

/** One bucket of a series: its start in the requested zone (local date-time), its bounds as instants, and the value. */
export interface SeriesBucket extends MetricValue {
  localStart: string;
  start: Date;
  end: Date;
}

/** A request for one metric over one period and filter (the filter already normalised). */
export interface MetricRequest {
  metric: MetricDefinition;
  period: Period;
  filter: SegmentFilter;
}

interface SeriesRequest extends MetricRequest {
  granularity: Granularity;
  timezone: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toValue(metric: MetricDefinition, rawValue: unknown, rawSize: unknown): MetricValue {
  const sampleSize = num(rawSize) ?? 0;
  const value = num(rawValue);
  return { value: value === null && sampleSize === 0 ? metric.emptyValue : value, sampleSize };
}

/** Groups requests that one statement can answer: same fact source, period, filter (and grouping). */
function groupRequests<R extends MetricRequest>(requests: readonly R[], extra: (r: R) => unknown): Map<string, R[]> {
  const groups = new Map<string, R[]>();
  requests.forEach((r) => {
    const key = JSON.stringify([r.metric.source.name, r.period.from, r.period.to, r.filter, extra(r)]);
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  });
  return groups;
}

/** Distinct metrics of a group, in first-seen order. */
function distinctMetrics(requests: readonly MetricRequest[]): MetricDefinition[] {
  return [...new Map(requests.map((r) => [r.metric.name, r.metric])).values()];
}

/** The per-request DataLoaders of metric values and series: every metric field that shares a statement is batched into it. */
export function createMetricLoaders(sql: SqlExecutor) {
  const values = new DataLoader<MetricRequest, MetricValue, string>(
    async (requests) => {
      const results = new Map<MetricRequest, MetricValue>();
      await Promise.all(
        [...groupRequests(requests, () => null).values()].map(async (group) => {
          const first = group[0];
          const metrics = distinctMetrics(group);
          const q = buildMetricQuery(first.metric.source, metrics, first.period, first.filter, { kind: 'total' });
          const [row] = await sql.query<Record<string, unknown>>(q.sql, q.params);
          for (const r of group) {
            const c = q.columns.find((col) => col.metric === r.metric.name)!;
            results.set(r, toValue(r.metric, row?.[c.value] ?? null, row?.[c.sampleSize] ?? 0));
          }
        }),
      );
      return requests.map((r) => results.get(r)!);
    },
    { cacheKeyFn: (r) => JSON.stringify([r.metric.name, r.period, r.filter]) },
  );

  const series = new DataLoader<SeriesRequest, SeriesBucket[], string>(
    async (requests) => {
      const results = new Map<SeriesRequest, SeriesBucket[]>();
      await Promise.all(
        [...groupRequests(requests, (r) => [r.granularity, r.timezone]).values()].map(async (group) => {
          const first = group[0];
          const grouping: Grouping = { kind: 'series', granularity: first.granularity, timezone: first.timezone };
          const q = buildMetricQuery(first.metric.source, distinctMetrics(group), first.period, first.filter, grouping);
          const rows = await sql.query<Record<string, unknown>>(q.sql, q.params);
          for (const r of group) {
            const c = q.columns.find((col) => col.metric === r.metric.name)!;
            results.set(
              r,
              rows.map((row) => ({
                localStart: String(row.bucket_local),
                start: new Date(row.bucket_start as string | Date),
                end: new Date(row.bucket_end as string | Date),
                ...toValue(r.metric, row[c.value], row[c.sampleSize]),
              })),
            );
          }
        }),
      );
      return requests.map((r) => results.get(r)!);
    },
    { cacheKeyFn: (r) => JSON.stringify([r.metric.name, r.period, r.filter, r.granularity, r.timezone]) },
  );

  return { values, series };
}

export type MetricLoaders = ReturnType<typeof createMetricLoaders>;
