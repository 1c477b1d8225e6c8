/**
 * The dashboard's numbers computed by hand-written SQL: the floor the API is measured against, and a cross-check of
 * its numbers. Each variant is a list of statements (run concurrently, one connection each) that together return the
 * whole dashboard in the long format of LongRow (dashboard.ts); `assembleNumbers` turns the rows into the API's shape.
 *
 * To add a variant (e.g. the same dashboard from the rollup tables), append an entry to SQL_VARIANTS: the bench times
 * and cross-checks every entry; the first is the floor the API/SQL ratios are computed against. The bench runs them on
 * connections with `jit = off` (JIT compilation costs more than it saves on these statements).
 *
 * The definitions followed are docs/metrics.md and src/metrics/*-metrics.ts:
 * - ticket metrics are attributed by created_at (volume, SLA compliance, abandonment, escalation), first_response_at
 *   (first response time) or resolved_at (resolution time, first contact resolution, reopen rate);
 * - average handle time: agent messages sent in the period, segmented by their ticket's channel and product;
 * - CSAT and NPS: surveys answered in the period; channel and product from the surveyed ticket, else the survey's own.
 */
import { assembleNumbers, type DashboardNumbers, type DashboardParams, type LongRow } from './dashboard';

/** One statement of a variant; the bench times each and explains the slowest. */
export interface SqlStatement {
  name: string;
  sql: string;
  params: unknown[];
}

/** A way of computing the whole dashboard with SQL. */
export interface SqlVariant {
  name: string;
  description: string;
  statements(p: DashboardParams): SqlStatement[];
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
 * The common tail of every raw statement. The statement defines `agg`: its sums per (cur: current period or not, day:
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
  for (const [prefix, milestone, target] of [['slar', 't.resolved_at', 'pol.res_target'], ['slaf', 't.first_response_at', 'pol.frt_target']]) {
    const known = `${target} IS NOT NULL AND (${milestone} IS NOT NULL OR t.abandoned_at IS NOT NULL OR date_part('epoch', now() - t.created_at) > ${target})`;
    const met = `${milestone} IS NOT NULL AND date_part('epoch', ${milestone} - t.created_at) <= ${target}`;
    created.push({ column: `${prefix}_known`, aggregate: `count(*) FILTER (WHERE ${known})` }, { column: `${prefix}_met`, aggregate: `count(*) FILTER (WHERE ${known} AND ${met})` });
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
  SELECT cur, day, segment, ${branch(resolved)} FROM (${aggregateBy(
    `t WHERE ${inRange('t.resolved_at')}`,
    't.resolved_at',
    't.channel',
    resolved,
  )}) r
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
  description: 'hand-written SQL over tickets, messages and surveys: one pass per fact table for both periods',
  statements: (p) => {
    const params = rawParams(p);
    return [
      { name: 'tickets', sql: rawTicketStatement(), params },
      { name: 'agent messages', sql: rawMessageStatement(), params },
      { name: 'surveys', sql: rawSurveyStatement(), params },
    ];
  },
};

/** Every hand-written variant the bench runs; the first is the floor of the API/SQL ratios. */
export const SQL_VARIANTS: readonly SqlVariant[] = [RAW_TABLES];

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
