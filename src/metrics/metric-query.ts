import type { Dimension, SegmentFilter } from './dimensions';
import type { FactSource } from './fact-sources';
import { isDuration, type EventAggregateSql, type HoursMode, type MetricDefinition, type PerBucketSql, type SqlContext } from './metric-definition';
import { secondsBetween } from './sql-fragments';
import { GRANULARITY_SQL, type Granularity, type Period } from './period';
import { SqlParams } from './sql-params';
import { rollupFor } from './rollups/rollup-eligibility';
import type { RollupChoice } from './rollups/rollup-eligibility';

/** How the rows of one statement are grouped: one total, one row per time bucket, or one row per segment value. */
export type Grouping =
  | { kind: 'total' }
  | { kind: 'series'; granularity: Granularity; timezone: string }
  | { kind: 'breakdown'; dimension: Dimension };

/** Column aliases of one metric in a statement's result rows. */
export interface MetricColumns {
  metric: string;
  value: string;
  sampleSize: string;
  median?: string;
  p90?: string;
}

/**
 * One statement computing several metrics over one period and filter. Rows carry `grp` (the segment value) for a
 * breakdown, and `bucket_local`, `bucket_start`, `bucket_end` for a series.
 */
export interface MetricQuery {
  sql: string;
  params: unknown[];
  columns: MetricColumns[];
}

/** The statement family a metric belongs to: metrics of one family (and period, filter, grouping) share one statement. */
export function statementFamily(metric: MetricDefinition): string {
  return metric.sql.kind === 'event' ? `event:${metric.source.name}` : 'perBucket';
}

/** Binds the period placeholders of fact-source SQL as parameters; the time zone is added only when used (an unused parameter has no type). */
function bindPlaceholders(sql: string, p: { from: string; to: string; tz: () => string }): string {
  const bound = sql.replaceAll('{from}', `${p.from}::timestamptz`).replaceAll('{to}', `${p.to}::timestamptz`);
  return bound.includes('{tz}') ? bound.replaceAll('{tz}', `${p.tz()}::text`) : bound;
}

/** A parameter added on first use. */
function lazyParam(params: SqlParams, value: unknown): () => string {
  let placeholder: string | undefined;
  return () => (placeholder ??= params.add(value));
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

function dimensionExpr(source: FactSource, dimension: Dimension): string {
  const expr = source.dimensions[dimension];
  if (!expr) throw new Error(`fact source ${source.name} has no dimension ${dimension}`);
  return expr;
}

/** How a source measures elapsed time: calendar seconds, or seconds open in the calendar that applies to the row's ticket. */
export function sqlContext(source: FactSource, hours: HoursMode): SqlContext {
  if (hours === 'calendar') return { elapsed: secondsBetween };
  const { channel, priority } = source.dimensions;
  if (!channel || !priority) throw new Error(`fact source ${source.name} cannot pick a business calendar`);
  return { elapsed: (start, end) => `business_seconds(ticket_calendar(${channel}, ${priority}), ${start}, ${end})` };
}

/** What a statement computes besides values and sample sizes, and where it may read from. */
export interface QueryOptions {
  /** Duration metrics also get their exact median and p90 (from the raw rows). Default true. */
  percentiles?: boolean;
  /** Read a rollup when the query's shape allows. Default false. */
  rollups?: boolean;
  /** The zone of the daily rollups' days (ROLLUP_TIMEZONE). Default UTC. */
  rollupTimezone?: string;
}

/** Builds the one statement answering every given metric of one statement family for a period, filter and grouping. */
export function buildMetricQuery(
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  grouping: Grouping,
  hours: HoursMode = 'calendar',
  options: QueryOptions = {},
): MetricQuery {
  const families = new Set(metrics.map(statementFamily));
  if (families.size !== 1) throw new Error(`metrics of different statement families: ${[...families].join(', ')}`);
  const percentiles = options.percentiles ?? true;
  if (options.rollups) {
    const choice = rollupFor(metrics, period, filter, grouping, hours, percentiles, options.rollupTimezone);
    if (choice) return buildRollupQuery(choice, metrics, period, filter, grouping, options.rollupTimezone ?? 'UTC');
  }
  return metrics[0].sql.kind === 'event'
    ? buildEventQuery(metrics[0].source, metrics, period, filter, grouping, hours, percentiles)
    : buildPerBucketQuery(metrics, period, filter, grouping);
}

/** The aggregate statement (rows keyed by `grp` for a series) wrapped so every bucket of the period is listed. */
function withEveryBucket(aggregateSql: string, columns: MetricColumns[], params: SqlParams, from: string, to: string, grouping: Grouping, tz: string): string {
  if (grouping.kind !== 'series') return aggregateSql;
  // Buckets without data come back with null values and sample size 0.
  const { cte } = bucketsCte(params, from, to, grouping, tz);
  return `WITH agg AS (
${aggregateSql}
), ${cte}
SELECT ${bucketColumns(tz, grouping.granularity, 'buckets.grp')},
       ${columns.map((c) => [c.value, c.sampleSize, c.median, c.p90].filter(Boolean).map((col) => `agg.${col}`).join(', ')).join(', ')}
FROM buckets LEFT JOIN agg ON agg.grp = buckets.grp
ORDER BY buckets.grp`;
}

/**
 * Metrics read from an hourly rollup: the rows of the period's hours (and the filter's segments) are summed, per local
 * bucket or segment value; each metric combines its sums as its rollup formula says.
 */
function buildRollupQuery(
  { table, grain }: RollupChoice,
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  grouping: Grouping,
  rollupTimezone: string,
): MetricQuery {
  const params = new SqlParams();
  const from = params.add(period.from.toISOString());
  const to = params.add(period.to.toISOString());
  // Daily rows are keyed by their local midnight in the rollup zone, which a daily choice guarantees the series uses.
  const daily = grain === 'day';
  const dayZone = daily ? params.add(rollupTimezone) : '';
  const where = daily
    ? [`r.day >= (${from}::timestamptz AT TIME ZONE ${dayZone})`, `r.day < (${to}::timestamptz AT TIME ZONE ${dayZone})`]
    : [`r.hour >= ${from}::timestamptz`, `r.hour < ${to}::timestamptz`];
  for (const [dimension, values] of Object.entries(filter) as [Dimension, readonly string[]][]) {
    where.push(`r.${dimension} = ANY(${params.add(values)}::text[])`);
  }
  const sum = (column: string) => `sum(r.${column})`;
  // Pending SLA deadlines usually all lie in the past (or all in the future); only a mixed row looks at each deadline.
  const pendingDue = (prefix: string) => `sum(CASE WHEN r.${prefix}_pending_last IS NULL THEN 0
    WHEN r.${prefix}_pending_last < now() THEN cardinality(r.${prefix}_pending_deadlines)
    ELSE (SELECT count(*) FROM unnest(r.${prefix}_pending_deadlines) d WHERE d < now()) END)`;
  const columns: MetricColumns[] = [];
  const aggregates = metrics.map((m, i) => {
    const c: MetricColumns = { metric: m.name, value: `m${i}_value`, sampleSize: `m${i}_n` };
    columns.push(c);
    const rollup = m.rollup!;
    return `(${rollup.value(sum, pendingDue)})::float8 AS ${c.value}, (${rollup.sampleSize(sum, pendingDue)})::int8 AS ${c.sampleSize}`;
  });
  const tz = grouping.kind === 'series' ? (daily ? dayZone : params.add(grouping.timezone)) : '';
  let groupExpr: string | undefined;
  if (grouping.kind === 'series') {
    const trunc = GRANULARITY_SQL[grouping.granularity].trunc;
    groupExpr = daily ? `date_trunc('${trunc}', r.day)` : `date_trunc('${trunc}', r.hour AT TIME ZONE ${tz})`;
  } else if (grouping.kind === 'breakdown') groupExpr = `r.${grouping.dimension}`;
  const aggregateSql = `SELECT ${groupExpr ? `${groupExpr} AS grp, ` : ''}${aggregates.join(',\n       ')}
FROM ${table.name}${daily ? '_daily' : ''} r
WHERE ${where.join(' AND ')}${groupExpr ? '\nGROUP BY 1' : ''}`;
  return { sql: withEveryBucket(aggregateSql, columns, params, from, to, grouping, tz), params: params.values, columns };
}

/** The bucket list of a series, each bucket clipped to the period, as a CTE named `buckets` (columns grp, start_at, end_at). */
function bucketsCte(params: SqlParams, from: string, to: string, grouping: Grouping, tzPlaceholder?: string): { cte: string; tz?: string } {
  if (grouping.kind !== 'series') {
    return { cte: `buckets AS (SELECT NULL::timestamp AS grp, ${from}::timestamptz AS start_at, ${to}::timestamptz AS end_at)` };
  }
  const tz = tzPlaceholder ?? params.add(grouping.timezone);
  const g = GRANULARITY_SQL[grouping.granularity];
  return {
    tz,
    cte: `buckets AS (
  SELECT b AS grp,
         greatest(b AT TIME ZONE ${tz}, ${from}::timestamptz) AS start_at,
         least((b + interval '${g.step}') AT TIME ZONE ${tz}, ${to}::timestamptz) AS end_at
  FROM generate_series(
    date_trunc('${g.trunc}', ${from}::timestamptz AT TIME ZONE ${tz}),
    (${to}::timestamptz AT TIME ZONE ${tz}) - interval '1 microsecond',
    interval '${g.step}') b
)`,
  };
}

/** The columns of a series row: the bucket's local start and its unclipped bounds. */
function bucketColumns(tz: string, granularity: Granularity, grp: string): string {
  const step = GRANULARITY_SQL[granularity].step;
  return `to_char(${grp}, 'YYYY-MM-DD"T"HH24:MI:SS') AS bucket_local,
       (${grp} AT TIME ZONE ${tz}) AS bucket_start,
       ((${grp} + interval '${step}') AT TIME ZONE ${tz}) AS bucket_end`;
}

/**
 * Event-attributed metrics: rows are attributed by each metric's event; when the metrics use several events, each fact
 * row is expanded once per event (a LATERAL VALUES list) so every metric still sees each row at most once.
 */
function buildEventQuery(
  source: FactSource,
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  grouping: Grouping,
  hours: HoursMode,
  percentiles: boolean,
): MetricQuery {
  const ctx = sqlContext(source, hours);
  const params = new SqlParams();
  const from = params.add(period.from.toISOString());
  const to = params.add(period.to.toISOString());
  const tzParam = lazyParam(params, grouping.kind === 'series' ? grouping.timezone : period.timezone);
  const bind = (sql: string) => bindPlaceholders(sql, { from, to, tz: tzParam });
  const defs = metrics.map((m) => m.sql as EventAggregateSql);
  const events = [...new Set(defs.map((d) => d.event))];
  for (const e of events) if (!source.events[e]) throw new Error(`fact source ${source.name} has no event ${e}`);

  const single = events.length === 1;
  const eventAt = (e: string) => bind(source.events[e]);
  const at = single ? eventAt(events[0]) : 'ev.at';
  const lateral = single ? '' : `CROSS JOIN LATERAL (VALUES ${events.map((e) => `('${e}', ${eventAt(e)})`).join(', ')}) ev(event, at)`;
  // The OR of per-event ranges lets PostgreSQL use each attribution index before the rows are expanded.
  const rangeOf = (col: string) => `(${col} >= ${from}::timestamptz AND ${col} < ${to}::timestamptz)`;
  const where = [
    single ? rangeOf(at) : `(${events.map((e) => rangeOf(eventAt(e))).join(' OR ')})`,
    ...(single ? [] : [rangeOf('ev.at')]),
    ...filterConditions(source, filter, params),
  ];

  const columns: MetricColumns[] = [];
  const aggregates = metrics.map((m, i) => {
    const d = defs[i];
    const inPeriod = single ? 'TRUE' : `ev.event = '${d.event}'`;
    const c: MetricColumns = { metric: m.name, value: `m${i}_value`, sampleSize: `m${i}_n` };
    const parts = [`(${d.value(inPeriod, ctx)})::float8 AS ${c.value}`, `(${d.sampleSize(inPeriod, ctx)})::int8 AS ${c.sampleSize}`];
    if (percentiles && isDuration(m)) {
      c.median = `m${i}_median`;
      c.p90 = `m${i}_p90`;
      const duration = d.duration!(ctx);
      const ordered = `WITHIN GROUP (ORDER BY ${duration}) FILTER (WHERE ${inPeriod} AND ${duration} IS NOT NULL)`;
      parts.push(`(percentile_cont(0.5) ${ordered})::float8 AS ${c.median}`, `(percentile_cont(0.9) ${ordered})::float8 AS ${c.p90}`);
    }
    columns.push(c);
    return parts.join(', ');
  });

  let groupExpr: string | undefined;
  if (grouping.kind === 'series') groupExpr = `date_trunc('${GRANULARITY_SQL[grouping.granularity].trunc}', ${at} AT TIME ZONE ${tzParam()})`;
  else if (grouping.kind === 'breakdown') groupExpr = dimensionExpr(source, grouping.dimension);

  const aggregateSql = `SELECT ${groupExpr ? `${groupExpr} AS grp, ` : ''}${aggregates.join(',\n       ')}
FROM ${bind(source.from)}
${lateral}
WHERE ${where.join('\n  AND ')}${groupExpr ? '\nGROUP BY 1' : ''}`;

  const tz = grouping.kind === 'series' ? tzParam() : '';
  return { sql: withEveryBucket(aggregateSql, columns, params, from, to, grouping, tz), params: params.values, columns };
}

/**
 * Per-bucket metrics: for each bucket (one for a total) and segment, the aggregates of each source are computed in a
 * LATERAL subquery bounded by the bucket; metric values combine them.
 */
function buildPerBucketQuery(
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  grouping: Grouping,
): MetricQuery {
  const params = new SqlParams();
  const from = params.add(period.from.toISOString());
  const to = params.add(period.to.toISOString());
  const { cte, tz } = bucketsCte(params, from, to, grouping);
  const tzParam = tz ? () => tz : lazyParam(params, period.timezone);
  const bind = (sql: string) => bindPlaceholders(sql, { from, to, tz: tzParam });

  // Aggregates are collected per source so each source is read once per bucket, whatever the number of metrics.
  const bySource = new Map<string, { source: FactSource; aggregates: Map<string, string> }>();
  metrics.forEach((m, i) => {
    for (const part of (m.sql as PerBucketSql).parts) {
      let entry = bySource.get(part.source.name);
      if (!entry) bySource.set(part.source.name, (entry = { source: part.source, aggregates: new Map() }));
      for (const [alias, agg] of Object.entries(part.aggregates)) entry.aggregates.set(`m${i}_${alias}`, agg);
    }
  });

  const breakdown = grouping.kind === 'breakdown' ? grouping.dimension : undefined;
  const laterals: string[] = [];
  const sourceAlias = new Map<string, string>();
  [...bySource.values()].forEach(({ source, aggregates }, s) => {
    const alias = `s${s}`;
    sourceAlias.set(source.name, alias);
    const where = filterConditions(source, filter, params);
    if (breakdown) where.push(`${dimensionExpr(source, breakdown)} IS NOT DISTINCT FROM g.grp`);
    laterals.push(`CROSS JOIN LATERAL (
  SELECT ${[...aggregates].map(([col, agg]) => `(${agg}) AS ${col}`).join(', ')}
  FROM ${bind(source.from)}
  ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
) ${alias}`);
  });

  const columns: MetricColumns[] = [];
  const selects = metrics.map((m, i) => {
    const sql = m.sql as PerBucketSql;
    const partCol = (aliasName: string) => {
      const part = sql.parts.find((p) => aliasName in p.aggregates);
      if (!part) throw new Error(`metric ${m.name} has no aggregate ${aliasName}`);
      return `${sourceAlias.get(part.source.name)}.m${i}_${aliasName}`;
    };
    const c: MetricColumns = { metric: m.name, value: `m${i}_value`, sampleSize: `m${i}_n` };
    columns.push(c);
    return `(${sql.value(partCol)})::float8 AS ${c.value}, (${sql.sampleSize(partCol)})::int8 AS ${c.sampleSize}`;
  });

  let groups = '';
  if (breakdown) {
    // Segments are the dimension's values on the metrics' first source (within the filter).
    const first = metrics[0].sql as PerBucketSql;
    const src = first.parts[0].source;
    const where = filterConditions(src, filter, params);
    groups = `, g AS (SELECT DISTINCT ${dimensionExpr(src, breakdown)} AS grp FROM ${bind(src.from)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''})`;
  }

  const head =
    grouping.kind === 'series'
      ? `${bucketColumns(tzParam(), grouping.granularity, 'b.grp')}, `
      : breakdown
        ? 'g.grp AS grp, '
        : '';
  const sql = `WITH ${cte}${groups}
SELECT ${head}${selects.join(',\n       ')}
FROM buckets b${breakdown ? ' CROSS JOIN g' : ''}
${laterals.join('\n')}
${grouping.kind === 'series' ? 'ORDER BY b.grp' : ''}`;
  return { sql, params: params.values, columns };
}
