import type { Dimension, SegmentFilter } from './dimensions';
import type { FactSource } from './fact-sources';
import {
  eventSampleSize,
  isDuration,
  type EventAggregateSql,
  type HoursMode,
  type MetricDefinition,
  type PerBucketSql,
  type SqlContext,
} from './metric-definition';
import { rollupTotal } from './measures';
import { secondsBetween } from './sql-fragments';
import { GRANULARITY_SQL, type Granularity, type Period } from './period';
import { SqlParams } from './sql-params';
import { rollupFor } from './rollups/rollup-eligibility';
import type { RollupChoice } from './rollups/rollup-eligibility';
import { dailyRowsFor } from './rollups/rollup-tables';
import { marksColumnOf, PERCENTILES, sortedPercentileCtes } from './rollup-percentiles';

/** How the rows of one statement are grouped: one total, one row per time bucket, or one row per segment value. */
export type Grouping =
  { kind: 'total' } | { kind: 'series'; granularity: Granularity; timezone: string } | { kind: 'breakdown'; dimension: Dimension };

/** Column aliases of one metric in a statement's result rows. */
export interface MetricColumns {
  metric: string;
  /** Absent in a statement of percentiles only (the value and sample size then come from the rollup's statement). */
  value?: string;
  sampleSize?: string;
  median?: string;
  p90?: string;
}

/**
 * One statement computing several metrics over one period and filter. Rows carry `grp` (the segment value) for a
 * breakdown, and `bucket_local`, `bucket_start_ms`, `bucket_end_ms` for a series.
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
export function bindPlaceholders(sql: string, p: { from: string; to: string; tz: () => string }): string {
  const bound = sql.replaceAll('{from}', `${p.from}::timestamptz`).replaceAll('{to}', `${p.to}::timestamptz`);
  return bound.includes('{tz}') ? bound.replaceAll('{tz}', `${p.tz()}::text`) : bound;
}

/** A parameter added on first use. */
export function lazyParam(params: SqlParams, value: unknown): () => string {
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

export function dimensionExpr(source: FactSource, dimension: Dimension): string {
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
  /**
   * Duration metrics also get their exact median and p90, in every grouping or in those the function picks. Default
   * true. They are computed from the raw rows: in the statement itself when it reads them, else in a second statement
   * of percentiles alone beside the rollup's.
   */
  percentiles?: boolean | ((grouping: Grouping) => boolean);
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
  const [query] = buildMetricQueries(metrics, period, filter, [grouping], hours, options);
  return query;
}

/** The bucket list of a series, each bucket clipped to the period, as a CTE named `buckets` (columns grp, start_at, end_at). */
function bucketsCte(
  params: SqlParams,
  from: string,
  to: string,
  grouping: Grouping,
  tzPlaceholder?: string,
  name = 'buckets',
): { cte: string; tz?: string } {
  if (grouping.kind !== 'series') {
    return { cte: `${name} AS (SELECT NULL::timestamp AS grp, ${from}::timestamptz AS start_at, ${to}::timestamptz AS end_at)` };
  }
  const tz = tzPlaceholder ?? params.add(grouping.timezone);
  const g = GRANULARITY_SQL[grouping.granularity];
  return {
    tz,
    cte: `${name} AS (
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

/**
 * The columns of a series row: the bucket's local start and its unclipped bounds, the bounds as epoch milliseconds
 * (whole seconds, so exact in float8): the driver reads a number far faster than it parses a timestamptz's text, and a
 * 90-day dashboard has over a thousand of them.
 */
function bucketColumns(tz: string, granularity: Granularity, grp: string): string {
  const step = GRANULARITY_SQL[granularity].step;
  return `to_char(${grp}, 'YYYY-MM-DD"T"HH24:MI:SS') AS bucket_local,
       extract(epoch FROM ${grp} AT TIME ZONE ${tz})::float8 * 1000 AS bucket_start_ms,
       extract(epoch FROM (${grp} + interval '${step}') AT TIME ZONE ${tz})::float8 * 1000 AS bucket_end_ms`;
}

/** bucketColumns of a row that is not a series bucket. */
const NO_BUCKET = 'NULL::text AS bucket_local, NULL::float8 AS bucket_start_ms, NULL::float8 AS bucket_end_ms';

/**
 * The total over another period than the statement's own (a comparison's previous period): answered inside the
 * statement of the period when both read rollups, as a second aggregate over its own rows, saving a round trip.
 */
export interface PeriodTotal {
  kind: 'periodTotal';
  period: Period;
}

/** What one statement can answer: a grouping over its period, or the total over another period. */
export type StatementGrouping = Grouping | PeriodTotal;

/** A statement answering several groupings; its rows carry `gi`, the index (in `groupings`) of the grouping they belong to. */
export interface GroupedMetricQuery extends MetricQuery {
  groupings: StatementGrouping[];
  /**
   * Whether the statement reads only rollup tables, whose plan does not depend on its parameters (small tables read
   * by day through one index): it may run as a named statement with a plan kept between executions. Raw reads are
   * planned for each period, since a plan estimated for a few days can serve two years badly.
   */
  reusePlan: boolean;
}

/**
 * The statements answering every given metric of one statement family for a period and filter, in each of several
 * groupings (a total, series, breakdowns): usually one statement, whose GROUPING SETS compute every grouping in one
 * pass over the rows. Groupings that must read different rows (a rollup for some, the raw tables for others; another
 * time zone for a source that depends on it) get statements of their own; per-bucket metrics get one per grouping.
 */
export function buildMetricQueries(
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  groupings: readonly StatementGrouping[],
  hours: HoursMode = 'calendar',
  options: QueryOptions = {},
): GroupedMetricQuery[] {
  const families = new Set(metrics.map(statementFamily));
  if (families.size !== 1) throw new Error(`metrics of different statement families: ${[...families].join(', ')}`);
  const wanted = options.percentiles ?? true;
  const wantsPercentiles = (g: Grouping) => (typeof wanted === 'function' ? wanted(g) : wanted);
  const own = groupings.filter((g): g is Grouping => g.kind !== 'periodTotal');
  const otherTotals = groupings.filter((g): g is PeriodTotal => g.kind === 'periodTotal');
  /** A total over another period in a statement of its own, as when it was asked for alone. */
  const alone = (t: PeriodTotal): GroupedMetricQuery[] =>
    buildMetricQueries(metrics, t.period, filter, [{ kind: 'total' }], hours, options).map((q) => ({ ...q, groupings: [t] }));
  if (metrics[0].sql.kind !== 'event') {
    return [
      ...own.map((g) => ({ ...buildPerBucketQuery(metrics, period, filter, g), groupings: [g], reusePlan: false })),
      ...otherTotals.flatMap(alone),
    ];
  }
  const source = metrics[0].source;
  const usesZone = [source.from, ...Object.values(source.events)].some((sql) => sql.includes('{tz}'));
  // Groupings that can share a statement: the same rollup choice (or raw), and for zone-dependent sources the same zone.
  const parts = new Map<
    string,
    { choice: RollupChoice | null; zone: string; groupings: Grouping[]; otherTotals: { total: PeriodTotal; choice: RollupChoice }[] }
  >();
  for (const g of own) {
    const choice = options.rollups ? rollupFor(metrics, period, filter, g, hours, options.rollupTimezone) : null;
    const zone = usesZone && g.kind === 'series' ? g.timezone : period.timezone;
    const key = JSON.stringify([choice?.table.name ?? null, choice?.grain ?? null, usesZone ? zone : null]);
    const part = parts.get(key) ?? { choice, zone, groupings: [], otherTotals: [] };
    part.groupings.push(g);
    parts.set(key, part);
  }
  // Only rollup reads share: a raw read of another period can take seconds, and in a statement of its own it runs in
  // parallel with the rest.
  const host = [...parts.values()].find((p) => p.choice);
  const separate: PeriodTotal[] = [];
  for (const t of otherTotals) {
    const choice = host && options.rollups ? rollupFor(metrics, t.period, filter, { kind: 'total' }, hours, options.rollupTimezone) : null;
    if (host && choice) host.otherTotals.push({ total: t, choice });
    else separate.push(t);
  }
  const rollupTimezone = options.rollupTimezone ?? 'UTC';
  const durations = metrics.filter(isDuration);
  return [
    ...[...parts.values()].flatMap(({ choice, zone, groupings: gs, otherTotals: extra }) => {
      if (!choice) {
        const percentiles = gs.some(wantsPercentiles) ? 'also' : 'none';
        return [
          { ...combineGroupings(eventAggregates(source, metrics, period, filter, hours, percentiles, zone), gs), groupings: gs, reusePlan: false },
        ];
      }
      const spec = rollupAggregates(choice, metrics, period, filter, gs, rollupTimezone);
      const extraSpecs = extra.map((e) =>
        rollupAggregates(e.choice, metrics, e.total.period, filter, [{ kind: 'total' }], rollupTimezone, spec.params),
      );
      const statements: GroupedMetricQuery[] = [
        { ...combineGroupings(spec, gs, extraSpecs), groupings: [...gs, ...extra.map((e) => e.total)], reusePlan: true },
      ];
      // Sums roll up, percentiles do not: the groupings that want them read just the durations from the raw rows, in a
      // statement of their own that runs beside the rollup's (its rows merge with the rollup's by grouping and key).
      const withPercentiles = gs.filter(wantsPercentiles);
      if (!withPercentiles.length) return statements;
      // A rollup holding a metric's durations answers its percentiles from the period's rows, one statement per metric:
      // sorting each one's durations is the work, and separate statements spread it over the request's connections.
      // The others read the raw rows.
      const fromRollup = durations.filter((m) => m.rollup?.values);
      const fromRaw = durations.filter((m) => !m.rollup?.values);
      for (const m of fromRollup) {
        const spec = rollupAggregates(choice, [m], period, filter, withPercentiles, rollupTimezone, new SqlParams(), 'percentiles');
        statements.push({ ...combineGroupings(spec, withPercentiles), groupings: withPercentiles, reusePlan: true });
      }
      if (fromRaw.length) {
        const spec = eventAggregates(source, fromRaw, period, filter, hours, 'only', zone);
        statements.push({ ...combineGroupings(spec, withPercentiles), groupings: withPercentiles, reusePlan: false });
      }
      return statements;
    }),
    ...separate.flatMap(alone),
  ];
}

/** What a grouped statement aggregates: its FROM … WHERE, its aggregate select list, and how each grouping groups. */
interface AggregateSpec {
  params: SqlParams;
  from: string;
  to: string;
  /** FROM, joins and WHERE of the aggregated rows. */
  body: string;
  aggregates: string[];
  columns: MetricColumns[];
  /** The GROUP BY expression of a series (per local bucket) or breakdown; null for the total. */
  groupExpr(grouping: Grouping): string | null;
  /** The placeholder of a series' time zone, as its bucket expression uses it. */
  zoneOf(grouping: Grouping & { kind: 'series' }): string;
  /**
   * Instead of aggregates over GROUPING SETS: CTEs ending in `agg` with the same columns (gid, g<index>, the value
   * columns), given the keys and each set's GROUPING() mask.
   */
  grouped?(keys: { index: number; expr: string }[], sets: { gid: number; holds: number[] }[]): string[];
}

/**
 * One statement computing every grouping of a spec: GROUPING SETS over the rows (GROUPING() says which set a row
 * belongs to), then a row per total, a row per bucket of each series (every bucket listed, empty ones with null
 * values and sample size 0) and a row per segment of each breakdown, tagged with the grouping's index `gi`. Each of
 * `otherTotals` (the same metrics over other rows, sharing the spec's parameters) adds one total row, its index
 * following the groupings'.
 */
function combineGroupings(spec: AggregateSpec, groupings: readonly Grouping[], otherTotals: readonly AggregateSpec[] = []): MetricQuery {
  const { params, from, to, columns } = spec;
  const exprs = groupings.map((g) => spec.groupExpr(g));
  const keyed = exprs.map((e, i) => ({ e, i })).filter((x): x is { e: string; i: number } => x.e !== null);
  const bit = new Map(keyed.map(({ i }, k) => [i, 1 << (keyed.length - 1 - k)]));
  const full = (1 << keyed.length) - 1;
  const select = [
    ...keyed.map(({ e, i }) => `${e} AS g${i}`),
    keyed.length ? `GROUPING(${keyed.map(({ e }) => e).join(', ')}) AS gid` : '0 AS gid',
    ...spec.aggregates,
  ];
  const sets = groupings.map((_, i) => (exprs[i] === null ? '()' : `(${exprs[i]})`));
  const aggregateSql = `SELECT ${select.join(',\n       ')}
${spec.body}${keyed.length ? `\nGROUP BY GROUPING SETS (${[...new Set(sets)].join(', ')})` : ''}`;
  // A set holds the keys equal to its expression (GROUPING() of those is 0).
  const groupingSets = [...new Set(exprs)].map((e) => {
    const holds = keyed.filter((x) => x.e === e).map((x) => x.i);
    return { gid: holds.reduce((gid, i) => gid ^ (bit.get(i) ?? 0), full), holds };
  });

  const valueColumns = columns.flatMap((c) => [c.value, c.sampleSize, c.median, c.p90].filter((x): x is string => Boolean(x)));
  const valuesOf = (relation: string) => valueColumns.map((col) => `${relation}.${col}`).join(', ');
  const ctes = spec.grouped
    ? spec.grouped(
        keyed.map(({ e, i }) => ({ index: i, expr: e })),
        groupingSets,
      )
    : [`agg AS (\n${aggregateSql}\n)`];
  const selects = groupings.map((g, i) => {
    const values = valuesOf('agg');
    const gid = full ^ (bit.get(i) ?? 0);
    if (g.kind === 'series') {
      const name = `b${i}`;
      const tz = spec.zoneOf(g);
      ctes.push(bucketsCte(params, from, to, g, tz, name).cte);
      return `SELECT ${i} AS gi, NULL::text AS grp, ${bucketColumns(tz, g.granularity, `${name}.grp`)}, ${values}
FROM ${name} LEFT JOIN agg ON agg.gid = ${gid} AND agg.g${i} = ${name}.grp`;
    }
    const grp = g.kind === 'breakdown' ? `agg.g${i}::text` : 'NULL::text';
    return `SELECT ${i} AS gi, ${grp} AS grp, ${NO_BUCKET}, ${values}
FROM agg WHERE agg.gid = ${gid}`;
  });
  otherTotals.forEach((other, k) => {
    if (other.params !== params) throw new Error("a total over another period must share the statement's parameters");
    const name = `t${k}`;
    ctes.push(`${name} AS (\nSELECT ${other.aggregates.join(',\n       ')}\n${other.body}\n)`);
    selects.push(`SELECT ${groupings.length + k} AS gi, NULL::text AS grp, ${NO_BUCKET}, ${valuesOf(name)}
FROM ${name}`);
  });
  const sql = `WITH ${ctes.join(',\n')}
${selects.join('\nUNION ALL\n')}
ORDER BY 1, 4`;
  return { sql, params: params.values, columns };
}

/**
 * Metrics read from a rollup (hourly or daily rows): the rows of the period (and the filter's segments) are summed per
 * local bucket or segment value; each metric combines its sums as its rollup formula says. With `percentiles`, the
 * duration metrics' median and p90 instead: each row's durations (the metric's `values` column) unnested and ordered,
 * exactly the values the raw rows of those hours or days give.
 */
function rollupAggregates(
  { table, grain }: RollupChoice,
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  groupings: readonly Grouping[],
  rollupTimezone: string,
  params = new SqlParams(),
  computes: 'sums' | 'percentiles' = 'sums',
): AggregateSpec {
  const from = params.add(period.from.toISOString());
  const to = params.add(period.to.toISOString());
  // Daily rows are keyed by their local midnight in the rollup zone, which a daily choice guarantees the series use.
  const daily = grain === 'day';
  const dayZone = daily ? params.add(rollupTimezone) : '';
  const where = daily
    ? [`r.day >= (${from}::timestamptz AT TIME ZONE ${dayZone})`, `r.day < (${to}::timestamptz AT TIME ZONE ${dayZone})`]
    : [`r.hour >= ${from}::timestamptz`, `r.hour < ${to}::timestamptz`];
  for (const [dimension, values] of Object.entries(filter) as [Dimension, readonly string[]][]) {
    where.push(`r.${dimension} = ANY(${params.add(values)}::text[])`);
  }
  if (daily) {
    // The subtotal rows holding just the segment columns filtered on or broken down by (the finest rows when there are
    // no such subtotals): every grouping sums the same rows.
    const held = new Set([...(Object.keys(filter) as Dimension[]), ...groupings.flatMap((g) => (g.kind === 'breakdown' ? [g.dimension] : []))]);
    where.unshift(`r.dims = ${dailyRowsFor(table, held)}`);
  }
  const columns: MetricColumns[] = [];
  const rows = `${table.name}${daily ? '_daily' : ''} r`;
  let aggregates: string[];
  let grouped: AggregateSpec['grouped'];
  if (computes === 'percentiles') {
    // One metric's durations, searched in its rows' sorted arrays (rollup-percentiles.ts).
    if (metrics.length !== 1) throw new Error('rollup percentiles are computed one metric per statement');
    const [m] = metrics;
    where.push(`r.event = ${table.events.indexOf((m.sql as EventAggregateSql).event) + 1}`);
    const c: MetricColumns = { metric: m.name, median: 'm0_median', p90: 'm0_p90' };
    columns.push(c);
    aggregates = [];
    const outputs = PERCENTILES.map((x) => `m0_${x.suffix}`);
    // For its candidates, a grouping set reads the daily rows holding just its own segments (a total: one row per day),
    // whose durations are alike (rollup-percentiles.ts); hourly rows are all of the finest.
    const common = daily ? where.slice(1) : where;
    const dimsOf = (holds: readonly number[]) => {
      const held = new Set(Object.keys(filter) as Dimension[]);
      for (const i of holds) {
        const g = groupings[i];
        if (g.kind === 'breakdown') held.add(g.dimension);
      }
      return dailyRowsFor(table, held);
    };
    const rowsHolding = (holds: readonly number[]) => (daily ? [`r.dims = ${dimsOf(holds)}`, ...common] : common);
    grouped = (keys, sets) => {
      const branches = new Map<string, { where: string[]; sets: typeof sets }>();
      for (const set of sets) {
        const rowsWhere = rowsHolding(set.holds);
        const key = rowsWhere.join(' AND ');
        branches.set(key, { where: rowsWhere, sets: [...(branches.get(key)?.sets ?? []), set] });
      }
      const column = m.rollup!.values!;
      // Only the daily rows keep marks.
      const marks = daily ? marksColumnOf(column) : undefined;
      // Passes 2 and 3 fetch whole arrays: every set reads the rows holding all the sets' segments (a total with a
      // breakdown: the breakdown's rows, which partition it), so that no array is fetched for two sets.
      const arrayBranches = branches.size > 1 ? [{ where: rowsHolding(sets.flatMap((set) => set.holds)), sets }] : undefined;
      return sortedPercentileCtes({ from: rows, column, keys, branches: [...branches.values()], arrayBranches, outputs, marks });
    };
  } else {
    aggregates = metrics.map((m, i) => {
      const c: MetricColumns = { metric: m.name, value: `m${i}_value`, sampleSize: `m${i}_n` };
      columns.push(c);
      const rollup = m.rollup!;
      return `(${rollup.value(rollupTotal)})::float8 AS ${c.value}, (${rollup.sampleSize(rollupTotal)})::int8 AS ${c.sampleSize}`;
    });
  }
  const zones = new Map<string, string>();
  const zoneOf = (g: Grouping & { kind: 'series' }) => {
    if (daily) return dayZone;
    let placeholder = zones.get(g.timezone);
    if (!placeholder) zones.set(g.timezone, (placeholder = params.add(g.timezone)));
    return placeholder;
  };
  return {
    params,
    from,
    to,
    body: `FROM ${rows}\nWHERE ${where.join(' AND ')}`,
    aggregates,
    columns,
    zoneOf,
    grouped,
    groupExpr: (g) => {
      if (g.kind === 'breakdown') return `r.${g.dimension}`;
      if (g.kind !== 'series') return null;
      const trunc = GRANULARITY_SQL[g.granularity].trunc;
      return daily ? `date_trunc('${trunc}', r.day)` : `date_trunc('${trunc}', r.hour AT TIME ZONE ${zoneOf(g)})`;
    },
  };
}

/**
 * Event-attributed metrics from the raw rows: rows are attributed by each metric's event; when the metrics use several
 * events, each fact row is expanded once per event (a LATERAL VALUES list) so every metric still sees each row at most
 * once. `zone` binds the source's `{tz}` placeholder.
 */
function eventAggregates(
  source: FactSource,
  metrics: readonly MetricDefinition[],
  period: Period,
  filter: SegmentFilter,
  hours: HoursMode,
  percentiles: 'none' | 'also' | 'only',
  zone: string,
): AggregateSpec {
  const ctx = sqlContext(source, hours);
  const params = new SqlParams();
  const from = params.add(period.from.toISOString());
  const to = params.add(period.to.toISOString());
  const zones = new Map<string, () => string>();
  const zoneParam = (name: string) => {
    let placeholder = zones.get(name);
    if (!placeholder) zones.set(name, (placeholder = lazyParam(params, name)));
    return placeholder();
  };
  const bind = (sql: string) => bindPlaceholders(sql, { from, to, tz: () => zoneParam(zone) });
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
    const c: MetricColumns = { metric: m.name };
    const parts: string[] = [];
    if (percentiles !== 'only') {
      c.value = `m${i}_value`;
      c.sampleSize = `m${i}_n`;
      parts.push(`(${d.value(inPeriod, ctx)})::float8 AS ${c.value}`, `(${eventSampleSize(d, inPeriod, ctx)})::int8 AS ${c.sampleSize}`);
    }
    if (percentiles !== 'none' && isDuration(m)) {
      c.median = `m${i}_median`;
      c.p90 = `m${i}_p90`;
      const duration = d.duration!(ctx);
      const ordered = `WITHIN GROUP (ORDER BY ${duration}) FILTER (WHERE ${inPeriod} AND ${duration} IS NOT NULL)`;
      parts.push(`(percentile_cont(0.5) ${ordered})::float8 AS ${c.median}`, `(percentile_cont(0.9) ${ordered})::float8 AS ${c.p90}`);
    }
    columns.push(c);
    return parts.join(', ');
  });
  const zoneOf = (g: Grouping & { kind: 'series' }) => zoneParam(g.timezone);
  return {
    params,
    from,
    to,
    body: `FROM ${bind(source.from)}
${lateral}
WHERE ${where.join('\n  AND ')}`,
    aggregates,
    columns,
    zoneOf,
    groupExpr: (g) => {
      if (g.kind === 'breakdown') return dimensionExpr(source, g.dimension);
      if (g.kind !== 'series') return null;
      return `date_trunc('${GRANULARITY_SQL[g.granularity].trunc}', ${at} AT TIME ZONE ${zoneOf(g)})`;
    },
  };
}

/** The column suffix of a per-bucket metric's sample count (no part aggregate is named with a leading underscore). */
const SAMPLE_ALIAS = '__sample';

/**
 * Per-bucket metrics: for each bucket (one for a total) and segment, the aggregates of each source are computed in a
 * LATERAL subquery bounded by the bucket; metric values combine them.
 */
function buildPerBucketQuery(metrics: readonly MetricDefinition[], period: Period, filter: SegmentFilter, grouping: Grouping): MetricQuery {
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
  // Each metric's sample size counts its sample rows, next to its parts' aggregates over the same source.
  metrics.forEach((m, i) => {
    const { sample } = m.sql as PerBucketSql;
    let entry = bySource.get(sample.source.name);
    if (!entry) bySource.set(sample.source.name, (entry = { source: sample.source, aggregates: new Map() }));
    entry.aggregates.set(`m${i}${SAMPLE_ALIAS}`, `count(*) FILTER (WHERE ${sample.where})`);
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
    const sampleCol = `${sourceAlias.get(sql.sample.source.name)}.m${i}${SAMPLE_ALIAS}`;
    return `(${sql.value(partCol)})::float8 AS ${c.value}, (${sampleCol})::int8 AS ${c.sampleSize}`;
  });

  let groups = '';
  if (breakdown) {
    // Segments are the dimension's values on the metrics' first source (within the filter).
    const first = metrics[0].sql as PerBucketSql;
    const src = first.parts[0].source;
    const where = filterConditions(src, filter, params);
    groups = `, g AS (SELECT DISTINCT ${dimensionExpr(src, breakdown)} AS grp FROM ${bind(src.from)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''})`;
  }

  const head = grouping.kind === 'series' ? `${bucketColumns(tzParam(), grouping.granularity, 'b.grp')}, ` : breakdown ? 'g.grp AS grp, ' : '';
  const sql = `WITH ${cte}${groups}
SELECT ${head}${selects.join(',\n       ')}
FROM buckets b${breakdown ? ' CROSS JOIN g' : ''}
${laterals.join('\n')}
${grouping.kind === 'series' ? 'ORDER BY b.grp' : ''}`;
  return { sql, params: params.values, columns };
}
