import type { Dimension, SegmentFilter } from './dimensions';
import type { FactSource } from './fact-sources';
import type { MetricDefinition } from './metric-definition';
import { GRANULARITY_SQL, type Granularity, type Period } from './period';
import { SqlParams } from './sql-params';

/** How the rows of one statement are grouped: one total, one row per time bucket, or one row per segment value. */
export type Grouping =
  | { kind: 'total' }
  | { kind: 'series'; granularity: Granularity; timezone: string }
  | { kind: 'breakdown'; dimension: Dimension };

/** One statement computing several metrics of one fact source over one period and filter. */
export interface MetricQuery {
  sql: string;
  params: unknown[];
  /** Column aliases of each metric's value and sample size in the result rows. */
  columns: { metric: string; value: string; sampleSize: string }[];
}

/** The WHERE conditions of a segment filter on a fact source (each dimension an IN list, combined with AND). */
export function filterConditions(source: FactSource, filter: SegmentFilter, params: SqlParams): string[] {
  const conditions: string[] = [];
  for (const [dimension, values] of Object.entries(filter) as [Dimension, readonly string[]][]) {
    const expr = source.dimensions[dimension];
    if (!expr) throw new Error(`fact source ${source.name} has no dimension ${dimension}`);
    conditions.push(`${expr} = ANY(${params.add(values)}::text[])`);
  }
  return conditions;
}

/**
 * Builds the one statement that answers every given metric (all of the same fact source) for a period, filter and grouping.
 * Rows are attributed by each metric's event; when the metrics use several events, each fact row is expanded once per
 * event (a LATERAL VALUES list) so every metric still sees each row at most once.
 */
export function buildMetricQuery(
  source: FactSource,
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  grouping: Grouping,
): MetricQuery {
  const params = new SqlParams();
  const from = params.add(period.from.toISOString());
  const to = params.add(period.to.toISOString());
  const events = [...new Set(metrics.map((m) => m.sql.event))];
  for (const e of events) if (!source.events[e]) throw new Error(`fact source ${source.name} has no event ${e}`);

  const single = events.length === 1;
  const at = single ? source.events[events[0]] : 'ev.at';
  const lateral = single
    ? ''
    : `CROSS JOIN LATERAL (VALUES ${events.map((e) => `('${e}', ${source.events[e]})`).join(', ')}) ev(event, at)`;
  // The OR of per-event ranges lets PostgreSQL use each attribution index before the rows are expanded.
  const rangeOf = (col: string) => `(${col} >= ${from}::timestamptz AND ${col} < ${to}::timestamptz)`;
  const where = [
    single ? rangeOf(at) : `(${events.map((e) => rangeOf(source.events[e])).join(' OR ')})`,
    ...(single ? [] : [rangeOf('ev.at')]),
    ...filterConditions(source, filter, params),
  ];

  const columns = metrics.map((m, i) => ({ metric: m.name, value: `m${i}_value`, sampleSize: `m${i}_n` }));
  const aggregates = metrics.map((m, i) => {
    const inPeriod = single ? 'TRUE' : `ev.event = '${m.sql.event}'`;
    return `(${m.sql.value(inPeriod)})::float8 AS ${columns[i].value}, (${m.sql.sampleSize(inPeriod)})::int8 AS ${columns[i].sampleSize}`;
  });

  let groupExpr: string | undefined;
  let tz: string | undefined;
  if (grouping.kind === 'series') {
    tz = params.add(grouping.timezone);
    groupExpr = `date_trunc('${GRANULARITY_SQL[grouping.granularity].trunc}', ${at} AT TIME ZONE ${tz})`;
  } else if (grouping.kind === 'breakdown') {
    groupExpr = source.dimensions[grouping.dimension];
    if (!groupExpr) throw new Error(`fact source ${source.name} has no dimension ${grouping.dimension}`);
  }

  const aggregateSql = `SELECT ${groupExpr ? `${groupExpr} AS grp, ` : ''}${aggregates.join(',\n       ')}
FROM ${source.from}
${lateral}
WHERE ${where.join('\n  AND ')}${groupExpr ? '\nGROUP BY 1' : ''}`;

  if (grouping.kind !== 'series') return { sql: aggregateSql, params: params.values, columns };

  // Every bucket of the period is listed, so buckets without data come back with null values and sample size 0.
  const g = GRANULARITY_SQL[grouping.granularity];
  const sql = `WITH agg AS (
${aggregateSql}
), buckets AS (
  SELECT b AS grp
  FROM generate_series(
    date_trunc('${g.trunc}', ${from}::timestamptz AT TIME ZONE ${tz}),
    (${to}::timestamptz AT TIME ZONE ${tz}) - interval '1 microsecond',
    interval '${g.step}') b
)
SELECT to_char(buckets.grp, 'YYYY-MM-DD"T"HH24:MI:SS') AS bucket_local,
       (buckets.grp AT TIME ZONE ${tz}) AS bucket_start,
       ((buckets.grp + interval '${g.step}') AT TIME ZONE ${tz}) AS bucket_end,
       ${columns.map((c) => `agg.${c.value}, agg.${c.sampleSize}`).join(', ')}
FROM buckets LEFT JOIN agg ON agg.grp = buckets.grp
ORDER BY buckets.grp`;
  return { sql, params: params.values, columns };
}
