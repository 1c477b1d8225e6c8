/**
 * The dashboard's numbers computed by hand-written SQL: the floors the API is measured against, and a cross-check of
 * its numbers. Each variant is a list of statements (run concurrently, one connection each) that together return the
 * whole dashboard in the long format of LongRow (dashboard.ts); `assembleNumbers` turns the rows into the API's shape.
 *
 * SQL_VARIANTS lists them: RAW_TABLES over the raw tables (the first, the reference the others are checked against)
 * and ROLLUP_TABLES over the daily rollups. The bench times and cross-checks every entry and reports the API/SQL ratio
 * against each, with each variant's own target. The bench runs them on connections with `jit = off` (JIT compilation
 * costs more than it saves on these statements).
 *
 * The definitions followed are docs/metrics.md and src/metrics/*-metrics.ts:
 * - ticket metrics are attributed by created_at (volume, SLA compliance, abandonment, escalation), first_response_at
 *   (first response time) or resolved_at (resolution time, first contact resolution, reopen rate);
 * - average handle time: agent messages sent in the period, segmented by their ticket's channel and product;
 * - CSAT and NPS: surveys answered in the period; channel and product from the surveyed ticket, else the survey's own.
 * The rollup variant combines the rollup columns as the registry's `rollup` formulas do (docs/rollups.md).
 */
import { dimsMask, ROLLUP_TABLES as ROLLUPS } from '../src/metrics/rollups/rollup-tables';
import {
  addDays,
  assembleNumbers,
  localDate,
  localMidnight,
  type DashboardMetric,
  type DashboardNumbers,
  type DashboardParams,
  type LongRow,
} from './dashboard';

/** One statement of a variant; the bench times each and explains the slowest. */
export interface SqlStatement {
  name: string;
  sql: string;
  params: unknown[];
}

/** A way of computing the whole dashboard with SQL. */
export interface SqlVariant {
  name: string;
  /** Stable identifier, for the keys of the bench's result rows. */
  key: string;
  description: string;
  /** The issue's target for the ratio of the API's latency to this variant's (at p50 and p95). */
  apiRatioTarget: number;
  /** Whether it computes the dashboard with medians (then timed in turn with, and checked against, the API's). */
  medians?: boolean;
  statements(p: DashboardParams): SqlStatement[];
  /**
   * Why the variant cannot compute this dashboard on a database whose daily rollups are in `rollupTimezone`
   * (ROLLUP_TIMEZONE), or null when it can.
   */
  unavailable(p: DashboardParams, rollupTimezone: string): string | null;
}

/** Runs one statement and resolves to its rows (pg's Pool.query, a DataSource's query, …). */
export type Query = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** A sum-able measure of the fine-grained aggregate: its column and its aggregate over the event rows `ev`. */
interface Measure {
  column: string;
  aggregate: string;
}

/** A dashboard metric from the summed measures: `s(column)` is the column's sum over the rows of a part. */
interface Formula {
  metric: string;
  value: (s: (column: string) => string) => string;
  sampleSize: (s: (column: string) => string) => string;
}

const ratio = (numerator: string, denominator: string, scale = '') => ({
  value: (s: (c: string) => string) => `${scale}${s(numerator)} / nullif(${s(denominator)}, 0)`,
  sampleSize: (s: (c: string) => string) => s(denominator),
});

/**
 * The common tail of every statement. The statement defines `agg`: its sums per (cur: current period or not, day:
 * local day, segment: channel) — a few thousand rows. The period totals, the daily series of the current period and
 * its channel breakdown are summed from those, then unpivoted into one row per metric and part.
 */
function dashboardTail(columns: readonly string[], formulas: readonly Formula[]): string {
  const sums = columns.map((c) => `coalesce(sum(${c}), 0) AS ${c}`).join(', ');
  const values = formulas
    .map((f) => `('${f.metric}', (${f.value((c) => `p.${c}`)})::float8, (${f.sampleSize((c) => `p.${c}`)})::int8)`)
    .join(',\n    ');
  return `parts AS (
  SELECT CASE WHEN cur THEN 'current' ELSE 'previous' END AS part, NULL::text AS key, ${sums} FROM agg GROUP BY cur
  UNION ALL
  SELECT 'series', to_char(day, 'YYYY-MM-DD"T"HH24:MI:SS'), ${sums} FROM agg WHERE cur GROUP BY day
  UNION ALL
  SELECT 'breakdown', segment, ${sums} FROM agg WHERE cur GROUP BY segment
)
SELECT v.metric, p.part, p.key, v.value, v.sample_size
FROM parts p CROSS JOIN LATERAL (VALUES
    ${values}
) v(metric, value, sample_size)`;
}

/** The `agg` CTE of one fact table: its measures per (cur, day, segment) over the rows of `rows` (columns at, segment, …). */
function aggregateBy(rows: string, at: string, segment: string, measures: readonly Measure[]): string {
  return `SELECT ${at} >= $2::timestamptz AS cur, date_trunc('day', ${at} AT TIME ZONE $4::text) AS day, ${segment} AS segment,
         ${measures.map((m) => `${m.aggregate} AS ${m.column}`).join(',\n         ')}
  FROM ${rows}
  GROUP BY 1, 2, 3`;
}

// Parameters of every raw statement: $1 previous period's start, $2 period start (= previous period's end), $3 period
// end, $4 time zone of the daily buckets, $5 product. The two periods are adjacent, so one range [$1, $3) reads both.
const rawParams = (p: DashboardParams) => [p.previousFrom.toISOString(), p.from.toISOString(), p.to.toISOString(), p.timezone, p.product];
const inRange = (column: string) => `(${column} >= $1::timestamptz AND ${column} < $3::timestamptz)`;

/** Agent messages of the ticket row `t` (index on messages.ticket_id; counted only where a FILTER asks). */
const AGENT_MESSAGES_OF_T = `(SELECT count(*) FROM messages m WHERE m.ticket_id = t.id AND m.author = 'agent')`;

/**
 * Nine ticket metrics: the product's tickets with any event (creation, first response, resolution) in either period
 * are read once; each event's metrics are aggregated by that event's day. First contact resolution needs the message
 * counts of the resolved tickets that can qualify (never reopened, not escalated): one index lookup per such ticket.
 */
function rawTicketStatement(): string {
  const created: Measure[] = [
    { column: 'created_n', aggregate: 'count(*)' },
    { column: 'abandoned_n', aggregate: 'count(*) FILTER (WHERE t.abandoned_at IS NOT NULL)' },
    { column: 'escalated_n', aggregate: 'count(*) FILTER (WHERE t.escalated)' },
  ];
  // SLA outcome of a milestone: known when reached, abandoned or overdue now; met when reached within target.
  for (const [prefix, milestone, target] of [
    ['slar', 't.resolved_at', 'pol.res_target'],
    ['slaf', 't.first_response_at', 'pol.frt_target'],
  ]) {
    const known = `${target} IS NOT NULL AND (${milestone} IS NOT NULL OR t.abandoned_at IS NOT NULL OR date_part('epoch', now() - t.created_at) > ${target})`;
    const met = `${milestone} IS NOT NULL AND date_part('epoch', ${milestone} - t.created_at) <= ${target}`;
    created.push(
      { column: `${prefix}_known`, aggregate: `count(*) FILTER (WHERE ${known})` },
      { column: `${prefix}_met`, aggregate: `count(*) FILTER (WHERE ${known} AND ${met})` },
    );
  }
  const firstResponse: Measure[] = [
    { column: 'fr_n', aggregate: 'count(*)' },
    { column: 'fr_seconds', aggregate: `sum(date_part('epoch', t.first_response_at - t.created_at))` },
  ];
  const resolved: Measure[] = [
    { column: 'resolved_n', aggregate: 'count(*)' },
    { column: 'res_seconds', aggregate: `sum(date_part('epoch', t.resolved_at - t.created_at))` },
    // Resolved in one agent contact: exactly one agent message, or a phone ticket without conversation messages.
    {
      column: 'fcr_n',
      aggregate: `count(*) FILTER (WHERE t.reopened_count = 0 AND NOT t.escalated AND (${AGENT_MESSAGES_OF_T} = 1
        OR (t.channel = 'phone' AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.ticket_id = t.id AND m.author IN ('customer', 'agent')))))`,
    },
    { column: 'reopened_n', aggregate: 'count(*) FILTER (WHERE t.reopened_count > 0)' },
  ];
  const formulas: Formula[] = [
    { metric: 'ticketVolume', value: (s) => s('created_n'), sampleSize: (s) => s('created_n') },
    { metric: 'firstResponseTime', ...ratio('fr_seconds', 'fr_n') },
    { metric: 'averageResolutionTime', ...ratio('res_seconds', 'resolved_n') },
    { metric: 'firstContactResolutionRate', ...ratio('fcr_n', 'resolved_n', '100.0 * ') },
    { metric: 'slaComplianceResolution', ...ratio('slar_met', 'slar_known', '100.0 * ') },
    { metric: 'slaComplianceFirstResponse', ...ratio('slaf_met', 'slaf_known', '100.0 * ') },
    { metric: 'abandonmentRate', ...ratio('abandoned_n', 'created_n', '100.0 * ') },
    { metric: 'escalationRate', ...ratio('escalated_n', 'created_n', '100.0 * ') },
    { metric: 'reopenRate', ...ratio('reopened_n', 'resolved_n', '100.0 * ') },
  ];
  const all = [...created, ...firstResponse, ...resolved];
  // Each event's branch fills its own measures; the others are null (and sum to nothing).
  const branch = (measures: Measure[]) => all.map((m) => (measures.includes(m) ? m.column : `NULL::numeric AS ${m.column}`)).join(', ');
  return `WITH pol AS MATERIALIZED (
  -- The SLA targets (seconds) of each channel and priority: the channel's own policy row if any, else the catch-all.
  SELECT ch.channel, pr.priority,
         (SELECT p.first_response_minutes * 60 FROM sla_policies p WHERE p.priority = pr.priority AND (p.channel = ch.channel OR p.channel IS NULL)
          ORDER BY p.channel NULLS LAST LIMIT 1) AS frt_target,
         (SELECT p.resolution_minutes * 60 FROM sla_policies p WHERE p.priority = pr.priority AND (p.channel = ch.channel OR p.channel IS NULL)
          ORDER BY p.channel NULLS LAST LIMIT 1) AS res_target
  FROM unnest('{email,chat,phone,social,web,messaging}'::text[]) ch(channel)
  CROSS JOIN unnest('{low,normal,high,urgent}'::text[]) pr(priority)
), t AS MATERIALIZED (
  SELECT t.id, t.channel, t.priority, t.created_at, t.first_response_at, t.resolved_at, t.abandoned_at, t.escalated, t.reopened_count
  FROM tickets t
  WHERE t.product = $5::text AND (${inRange('t.created_at')} OR ${inRange('t.first_response_at')} OR ${inRange('t.resolved_at')})
), agg AS (
  SELECT cur, day, segment, ${branch(created)} FROM (${aggregateBy(`t JOIN pol ON pol.channel = t.channel AND pol.priority = t.priority WHERE ${inRange('t.created_at')}`, 't.created_at', 't.channel', created)}) c
  UNION ALL
  SELECT cur, day, segment, ${branch(firstResponse)} FROM (${aggregateBy(`t WHERE ${inRange('t.first_response_at')}`, 't.first_response_at', 't.channel', firstResponse)}) f
  UNION ALL
  SELECT cur, day, segment, ${branch(resolved)} FROM (${aggregateBy(`t WHERE ${inRange('t.resolved_at')}`, 't.resolved_at', 't.channel', resolved)}) r
), ${dashboardTail(
    all.map((m) => m.column),
    formulas,
  )}`;
}

/** Average handle time: agent messages sent in either period, with their ticket's channel and product. */
function rawMessageStatement(): string {
  const measures: Measure[] = [
    { column: 'handled_n', aggregate: 'count(m.handle_seconds)' },
    { column: 'handle_seconds', aggregate: 'sum(m.handle_seconds)' },
  ];
  const rows = `messages m JOIN tickets t ON t.id = m.ticket_id
  WHERE m.author = 'agent' AND ${inRange('m.sent_at')} AND t.product = $5::text`;
  return `WITH agg AS (
  ${aggregateBy(rows, 'm.sent_at', 't.channel', measures)}
), ${dashboardTail(
    measures.map((m) => m.column),
    [{ metric: 'averageHandleTime', ...ratio('handle_seconds', 'handled_n') }],
  )}`;
}

/**
 * CSAT and NPS: surveys answered in either period; channel and product from the surveyed ticket, else the survey's.
 * Split in two so the product filter reaches an index: surveys of the product's tickets, and surveys whose ticket
 * (if any) has no product and that name the product themselves.
 */
function rawSurveyStatement(): string {
  const measures: Measure[] = [
    { column: 'csat_n', aggregate: `count(*) FILTER (WHERE s.kind = 'csat')` },
    { column: 'csat_score', aggregate: `sum(s.score) FILTER (WHERE s.kind = 'csat')` },
    { column: 'nps_n', aggregate: `count(*) FILTER (WHERE s.kind = 'nps')` },
    { column: 'nps_promoters', aggregate: `count(*) FILTER (WHERE s.kind = 'nps' AND s.score >= 9)` },
    { column: 'nps_detractors', aggregate: `count(*) FILTER (WHERE s.kind = 'nps' AND s.score <= 6)` },
  ];
  const rows = `(
    SELECT s.responded_at, t.channel, s.kind, s.score FROM surveys s JOIN tickets t ON t.id = s.ticket_id
    WHERE ${inRange('s.responded_at')} AND s.kind IN ('csat', 'nps') AND t.product = $5::text
    UNION ALL
    SELECT s.responded_at, COALESCE(t.channel, s.channel), s.kind, s.score FROM surveys s LEFT JOIN tickets t ON t.id = s.ticket_id
    WHERE ${inRange('s.responded_at')} AND s.kind IN ('csat', 'nps') AND s.product = $5::text AND t.product IS NULL
  ) s`;
  return `WITH agg AS (
  ${aggregateBy(rows, 's.responded_at', 's.channel', measures)}
), ${dashboardTail(
    measures.map((m) => m.column),
    [
      { metric: 'csat', value: (s) => `100.0 * ${s('csat_score')} / nullif(5 * ${s('csat_n')}, 0)`, sampleSize: (s) => s('csat_n') },
      {
        metric: 'nps',
        value: (s) => `100.0 * ${s('nps_promoters')} / nullif(${s('nps_n')}, 0) - 100.0 * ${s('nps_detractors')} / nullif(${s('nps_n')}, 0)`,
        sampleSize: (s) => s('nps_n'),
      },
    ],
  )}`;
}

/** The floor: the raw tables, one statement per fact table, each reading both periods in one pass. */
export const RAW_TABLES: SqlVariant = {
  name: 'raw tables',
  key: 'rawTables',
  description: 'hand-written SQL over tickets, messages and surveys: one pass per fact table for both periods',
  apiRatioTarget: 0.5,
  unavailable: () => null,
  statements: (p) => {
    const params = rawParams(p);
    return [
      { name: 'tickets', sql: rawTicketStatement(), params },
      { name: 'agent messages', sql: rawMessageStatement(), params },
      { name: 'surveys', sql: rawSurveyStatement(), params },
    ];
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The same dashboard from the daily rollups

/**
 * Parameters of every rollup statement. The daily rows are keyed by local day (`day`, timestamp), so the bounds are
 * passed as local days: $3 the first local day wholly inside the previous period, $4 the period's first day, $5 the
 * day after its last, $6 the product. The previous period has the period's length in hours, so across a daylight-saving
 * change it starts off a local midnight: its hours before the first local midnight, [$1, $2), come from the hourly
 * rows (none when $1 is a midnight, $1 = $2).
 */
function rollupParams(p: DashboardParams): unknown[] {
  let firstDay = localDate(p.timezone, p.previousFrom);
  if (localMidnight(p.timezone, firstDay).getTime() < p.previousFrom.getTime()) firstDay = addDays(firstDay, 1);
  const firstMidnight = localMidnight(p.timezone, firstDay);
  return [p.previousFrom.toISOString(), firstMidnight.toISOString(), firstDay, localDate(p.timezone, p.from), localDate(p.timezone, p.to), p.product];
}

/** A sum of a rollup column over the rows `r`. */
const summed = (column: string): Measure => ({ column, aggregate: `sum(r.${column})` });

/**
 * The pending SLA tickets of the rows `r` whose deadline has passed by now(), as the registry's rollup formula counts
 * them (rollupAggregates in src/metrics/metric-query.ts): a row whose latest pending deadline has passed counts all of
 * its pending tickets, a row with none counts nothing, only a row with deadlines on both sides of now looks at each.
 */
const pendingDue = (prefix: string): Measure => ({
  column: `${prefix}_due`,
  aggregate: `sum(CASE WHEN r.${prefix}_pending_last IS NULL THEN 0
           WHEN r.${prefix}_pending_last < now() THEN cardinality(r.${prefix}_pending_deadlines)
           ELSE (SELECT count(*) FROM unnest(r.${prefix}_pending_deadlines) d WHERE d < now()) END)`,
});

/** SLA compliance: met among the known outcomes (settled, or pending and overdue now). */
const slaFromRollup = (metric: string, prefix: string): Formula => ({
  metric,
  value: (s) => `100.0 * ${s(`${prefix}_met`)} / nullif(${s(`${prefix}_settled`)} + ${s(`${prefix}_due`)}, 0)`,
  sampleSize: (s) => `${s(`${prefix}_settled`)} + ${s(`${prefix}_due`)}`,
});

/**
 * One statement per rollup: the product's daily rows of both periods (index on (dims, product, day)), summed per (cur, day,
 * channel), plus the hourly rows at the previous period's start that no whole local day covers; then the common tail.
 * Every column is summed over all rows: a row holds the measures of its own event (`event`) and zero (or null) in the
 * others.
 */
function rollupStatement(table: string, measures: readonly Measure[], formulas: readonly Formula[]): string {
  // The daily rows holding channel and product only (the other segment columns summed away): see dimsMask.
  const channelAndProduct = dimsMask(
    ROLLUPS.find((t) => t.name === table)!,
    ['channel', 'product'],
  );
  const aggregates = measures.map((m) => `${m.aggregate} AS ${m.column}`).join(',\n         ');
  return `WITH agg AS (
  SELECT r.day >= $4::timestamp AS cur, r.day, r.channel AS segment,
         ${aggregates}
  FROM ${table}_daily r
  WHERE r.dims = ${channelAndProduct} AND r.product = $6::text AND r.day >= $3::timestamp AND r.day < $5::timestamp
  GROUP BY 1, 2, 3
  UNION ALL
  SELECT false, NULL, r.channel,
         ${aggregates}
  FROM ${table} r
  WHERE r.product = $6::text AND r.hour >= $1::timestamptz AND r.hour < $2::timestamptz
  GROUP BY 3
), ${dashboardTail(
    measures.map((m) => m.column),
    formulas,
  )}`;
}

/** The nine ticket metrics from ticket_rollup(_daily). */
function rollupTicketStatement(): string {
  const measures = [
    ...['created_n', 'abandoned_n', 'escalated_n', 'slar_met', 'slar_settled', 'slaf_met', 'slaf_settled'].map(summed),
    pendingDue('slar'),
    pendingDue('slaf'),
    ...['fr_n', 'fr_seconds', 'resolved_n', 'res_seconds', 'fcr_n', 'reopened_n'].map(summed),
  ];
  return rollupStatement('ticket_rollup', measures, [
    { metric: 'ticketVolume', value: (s) => s('created_n'), sampleSize: (s) => s('created_n') },
    { metric: 'firstResponseTime', ...ratio('fr_seconds', 'fr_n') },
    { metric: 'averageResolutionTime', ...ratio('res_seconds', 'resolved_n') },
    { metric: 'firstContactResolutionRate', ...ratio('fcr_n', 'resolved_n', '100.0 * ') },
    slaFromRollup('slaComplianceResolution', 'slar'),
    slaFromRollup('slaComplianceFirstResponse', 'slaf'),
    { metric: 'abandonmentRate', ...ratio('abandoned_n', 'created_n', '100.0 * ') },
    { metric: 'escalationRate', ...ratio('escalated_n', 'created_n', '100.0 * ') },
    { metric: 'reopenRate', ...ratio('reopened_n', 'resolved_n', '100.0 * ') },
  ]);
}

/** Average handle time from message_rollup(_daily). */
function rollupMessageStatement(): string {
  return rollupStatement('message_rollup', ['handled_n', 'handle_seconds'].map(summed), [
    { metric: 'averageHandleTime', ...ratio('handle_seconds', 'handled_n') },
  ]);
}

/** CSAT and NPS from survey_rollup(_daily). */
function rollupSurveyStatement(): string {
  return rollupStatement('survey_rollup', ['csat_n', 'csat_score', 'nps_n', 'nps_promoters_n', 'nps_detractors_n'].map(summed), [
    { metric: 'csat', value: (s) => `100.0 * ${s('csat_score')} / nullif(5 * ${s('csat_n')}, 0)`, sampleSize: (s) => s('csat_n') },
    {
      metric: 'nps',
      value: (s) => `100.0 * ${s('nps_promoters_n')} / nullif(${s('nps_n')}, 0) - 100.0 * ${s('nps_detractors_n')} / nullif(${s('nps_n')}, 0)`,
      sampleSize: (s) => s('nps_n'),
    },
  ]);
}

const HOUR_MS = 3_600_000;

/**
 * The same dashboard from the daily rollups (ROLLUP_TIMEZONE must be the dashboard's zone), as the API reads them when
 * it can: one statement per rollup for both periods. Every metric of this dashboard has a rollup formula and the
 * dashboard asks for no median or percentile, so nothing here reads the raw tables (the variant with medians follows).
 */
export const ROLLUP_TABLES: SqlVariant = {
  name: 'rollup tables',
  key: 'rollupTables',
  description:
    "hand-written SQL over ticket_rollup_daily, message_rollup_daily and survey_rollup_daily (the product's rows of both periods, " +
    'one statement per rollup; the hourly rollups only for hours of the previous period before its first local midnight); ' +
    'no raw table is read: the dashboard has no medians',
  apiRatioTarget: 1.2,
  unavailable: (p, rollupTimezone) => {
    if (rollupTimezone !== p.timezone) return `the daily rollups are in ${rollupTimezone}, the dashboard's days in ${p.timezone}`;
    if (p.previousFrom.getTime() % HOUR_MS !== 0) return 'the previous period does not start on a whole UTC hour';
    return null;
  },
  statements: (p) => {
    const params = rollupParams(p);
    return [
      { name: 'ticket rollup', sql: rollupTicketStatement(), params },
      { name: 'message rollup', sql: rollupMessageStatement(), params },
      { name: 'survey rollup', sql: rollupSurveyStatement(), params },
    ];
  },
};

/**
 * A duration's median and p90 over the period, in total and per channel, from the durations the daily rollup rows
 * keep: the product's (channel, product) rows of the period, unnested. Parameters: the period's first local day, the
 * day after its last, the product.
 */
function rollupPercentileStatement(metric: DashboardMetric, table: string, column: string, event: string): string {
  const rollup = ROLLUPS.find((t) => t.name === table)!;
  const channelAndProduct = dimsMask(rollup, ['channel', 'product']);
  return `SELECT '${metric}' AS metric, CASE WHEN GROUPING(r.channel) = 1 THEN 'percentiles' ELSE 'breakdownPercentiles' END AS part,
       r.channel AS key, percentile_cont(0.5) WITHIN GROUP (ORDER BY v) AS median, percentile_cont(0.9) WITHIN GROUP (ORDER BY v) AS p90
FROM ${table}_daily r CROSS JOIN LATERAL unnest(r.${column}) v
WHERE r.dims = ${channelAndProduct} AND r.event = ${rollup.events.indexOf(event) + 1} AND r.product = $3::text
  AND r.day >= $1::timestamp AND r.day < $2::timestamp
GROUP BY GROUPING SETS ((), (r.channel))`;
}

/**
 * The dashboard with the medians and p90s of its durations, from the rollups: the rollup variant's statements, and one
 * statement per duration over the durations the rollup rows keep (docs/rollups.md, "Percentiles").
 */
export const ROLLUP_TABLES_WITH_MEDIANS: SqlVariant = {
  name: 'rollup tables, with medians',
  key: 'rollupTablesMedians',
  description: `${ROLLUP_TABLES.name}, and the median and p90 of first response and resolution time from the durations of the daily ticket rollup`,
  apiRatioTarget: 1.2,
  medians: true,
  unavailable: ROLLUP_TABLES.unavailable,
  statements: (p) => {
    const params = [localDate(p.timezone, p.from), localDate(p.timezone, p.to), p.product];
    return [
      ...ROLLUP_TABLES.statements(p),
      {
        name: 'first response percentiles',
        sql: rollupPercentileStatement('firstResponseTime', 'ticket_rollup', 'fr_values', 'firstResponse'),
        params,
      },
      { name: 'resolution percentiles', sql: rollupPercentileStatement('averageResolutionTime', 'ticket_rollup', 'res_values', 'resolved'), params },
    ];
  },
};

/** Every hand-written variant the bench runs; the first (the raw tables) is the reference the others are checked against. */
export const SQL_VARIANTS: readonly SqlVariant[] = [RAW_TABLES, ROLLUP_TABLES, ROLLUP_TABLES_WITH_MEDIANS];

/** Runs a variant's statements concurrently and assembles the dashboard; also returns each statement's time (ms). */
export async function runSqlVariant(
  variant: SqlVariant,
  p: DashboardParams,
  query: Query,
): Promise<{ numbers: DashboardNumbers; statementMs: Record<string, number> }> {
  const statementMs: Record<string, number> = {};
  const results = await Promise.all(
    variant.statements(p).map(async (s) => {
      const started = performance.now();
      const rows = await query(s.sql, s.params);
      statementMs[s.name] = performance.now() - started;
      return rows as unknown as LongRow[];
    }),
  );
  return { numbers: assembleNumbers(results.flat(), p), statementMs };
}
