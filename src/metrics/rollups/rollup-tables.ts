import type { Dimension } from '../dimensions';
import { AGENT_MESSAGES, SURVEYS, TICKETS, type FactSource } from '../fact-sources';
import { secondsBetween } from '../sql-fragments';
import {
  fcrCondition,
  SLA_TARGETS_JOIN,
  slaMet,
  slaPending,
  slaSettled,
  TICKET_MESSAGES,
  ticketMessagesJoin,
  type SlaMilestone,
  type SlaTargetColumn,
} from '../ticket-expressions';

/** One column of a rollup: the aggregate (over the raw fact rows `f` attributed by `event` to an hour and segment) it holds. */
export interface RollupMeasure {
  readonly column: string;
  readonly event: string;
  readonly aggregate: string;
  /** How the hours of a day combine into the daily row (default sum). */
  readonly merge?: 'sum' | 'max' | 'concat';
}

/**
 * An hourly rollup of one fact source: per UTC hour, attribution event and combination of segment values, the sums and
 * counts its metrics combine. Rows are rebuilt from the raw tables for the hours a write touches (see rollup-refresh.ts).
 * Its daily twin (`<name>_daily`, column `day`: local midnight in ROLLUP_TIMEZONE) sums those hours per local day.
 */
export interface RollupTable {
  readonly name: string;
  readonly source: FactSource;
  /** Segment dimensions held as columns named after them; queries filtering or grouping on others read the raw tables. */
  readonly dimensions: readonly Dimension[];
  /**
   * The dimensions the daily subtotal rows are formed over (every subset of them): a query on others reads the rows
   * holding every dimension. Fewer subtotals, a cheaper refresh: each subset's rows are written and indexed.
   */
  readonly subtotalDimensions: readonly Dimension[];
  /** Attribution events of the source; a row's `event` column is the event's position in this list. */
  readonly events: readonly string[];
  readonly measures: readonly RollupMeasure[];
  /**
   * Joins added to the source for one event's rows, computing per-fact values the measures share once per row (the
   * same values as the metrics' own expressions, which the rollup-equals-raw test holds them to).
   */
  readonly eventJoins?: Readonly<Record<string, (everyRow: boolean) => string>>;
}

const elapsed = secondsBetween;

/** The four SLA columns of one milestone: met, settled, and the deadlines of the still-pending tickets (with the latest). */
function slaMeasures(prefix: string, milestone: SlaMilestone, targetColumn: SlaTargetColumn): RollupMeasure[] {
  const target = `sla.${targetColumn}`;
  const pending = slaPending(milestone, target);
  const deadline = `f.created_at + ${target} * interval '1 second'`;
  return [
    { column: `${prefix}_met`, event: 'created', aggregate: `count(*) FILTER (WHERE ${target} IS NOT NULL AND ${slaMet(milestone, target, { elapsed })})` },
    { column: `${prefix}_settled`, event: 'created', aggregate: `count(*) FILTER (WHERE ${slaSettled(milestone, target)})` },
    { column: `${prefix}_pending_deadlines`, event: 'created', aggregate: `array_agg(${deadline} ORDER BY ${deadline}) FILTER (WHERE ${pending})`, merge: 'concat' },
    { column: `${prefix}_pending_last`, event: 'created', aggregate: `max(${deadline}) FILTER (WHERE ${pending})`, merge: 'max' },
  ];
}

/**
 * A row's durations themselves (seconds, as float8 as the raw percentiles order them), for exact medians and p90s:
 * percentiles do not add up, but their inputs concatenate.
 */
function durationValues(column: string, event: string, seconds: string): RollupMeasure {
  return { column, event, aggregate: `array_agg((${seconds})::float8 ORDER BY ${seconds}) FILTER (WHERE ${seconds} IS NOT NULL)`, merge: 'concat' };
}

/** Tickets by the hour of their creation, first response and resolution. */
export const TICKET_ROLLUP: RollupTable = {
  name: 'ticket_rollup',
  source: TICKETS,
  dimensions: ['channel', 'product', 'tier', 'priority'],
  // Dashboards slice by channel, product and tier; priority filters are rarer and read the finest rows.
  subtotalDimensions: ['channel', 'product', 'tier'],
  events: ['created', 'firstResponse', 'resolved'],
  eventJoins: { created: () => SLA_TARGETS_JOIN, resolved: ticketMessagesJoin },
  measures: [
    { column: 'created_n', event: 'created', aggregate: 'count(*)' },
    { column: 'abandoned_n', event: 'created', aggregate: 'count(*) FILTER (WHERE f.abandoned_at IS NOT NULL)' },
    { column: 'escalated_n', event: 'created', aggregate: 'count(*) FILTER (WHERE f.escalated)' },
    ...slaMeasures('slar', 'f.resolved_at', 'resolution_minutes'),
    ...slaMeasures('slaf', 'f.first_response_at', 'first_response_minutes'),
    { column: 'fr_n', event: 'firstResponse', aggregate: 'count(*)' },
    { column: 'fr_seconds', event: 'firstResponse', aggregate: `sum(${elapsed('f.created_at', 'f.first_response_at')})` },
    durationValues('fr_values', 'firstResponse', elapsed('f.created_at', 'f.first_response_at')),
    { column: 'resolved_n', event: 'resolved', aggregate: 'count(*)' },
    { column: 'res_seconds', event: 'resolved', aggregate: `sum(${elapsed('f.created_at', 'f.resolved_at')})` },
    durationValues('res_values', 'resolved', elapsed('f.created_at', 'f.resolved_at')),
    { column: 'fcr_n', event: 'resolved', aggregate: `count(*) FILTER (WHERE ${fcrCondition(TICKET_MESSAGES.agent, TICKET_MESSAGES.conversation)})` },
    { column: 'reopened_n', event: 'resolved', aggregate: 'count(*) FILTER (WHERE f.reopened_count > 0)' },
    { column: 'conversation_messages', event: 'resolved', aggregate: `sum(${TICKET_MESSAGES.conversation})` },
    { column: 'handle_seconds', event: 'resolved', aggregate: `sum(${TICKET_MESSAGES.handleSeconds})` },
  ],
};

/** Agent replies by the hour they were sent. */
export const MESSAGE_ROLLUP: RollupTable = {
  name: 'message_rollup',
  source: AGENT_MESSAGES,
  dimensions: ['channel', 'product', 'tier', 'priority'],
  subtotalDimensions: ['channel', 'product', 'tier'],
  events: ['sent'],
  measures: [
    { column: 'replies_n', event: 'sent', aggregate: `count(${elapsed('f.wait_start', 'f.sent_at')})` },
    { column: 'reply_wait_seconds', event: 'sent', aggregate: `sum(${elapsed('f.wait_start', 'f.sent_at')})` },
    durationValues('reply_wait_values', 'sent', elapsed('f.wait_start', 'f.sent_at')),
    { column: 'handled_n', event: 'sent', aggregate: 'count(f.handle_seconds)' },
    { column: 'handle_seconds', event: 'sent', aggregate: 'sum(f.handle_seconds)' },
  ],
};

const ofKind = (kind: string, condition = 'TRUE') => `count(*) FILTER (WHERE f.kind = '${kind}' AND ${condition})`;

/** Survey responses by the hour they were given. */
export const SURVEY_ROLLUP: RollupTable = {
  name: 'survey_rollup',
  source: SURVEYS,
  dimensions: ['channel', 'product', 'tier'],
  subtotalDimensions: ['channel', 'product', 'tier'],
  events: ['responded'],
  measures: [
    { column: 'csat_n', event: 'responded', aggregate: ofKind('csat') },
    { column: 'csat_score', event: 'responded', aggregate: `sum(f.score) FILTER (WHERE f.kind = 'csat')` },
    { column: 'csat_satisfied_n', event: 'responded', aggregate: ofKind('csat', 'f.score >= 4') },
    { column: 'nps_n', event: 'responded', aggregate: ofKind('nps') },
    { column: 'nps_promoters_n', event: 'responded', aggregate: ofKind('nps', 'f.score >= 9') },
    { column: 'nps_detractors_n', event: 'responded', aggregate: ofKind('nps', 'f.score <= 6') },
    { column: 'ces_n', event: 'responded', aggregate: ofKind('ces') },
    { column: 'ces_score', event: 'responded', aggregate: `sum(f.score) FILTER (WHERE f.kind = 'ces')` },
  ],
};

export const ROLLUP_TABLES: readonly RollupTable[] = [TICKET_ROLLUP, MESSAGE_ROLLUP, SURVEY_ROLLUP];

/**
 * The `dims` mask of the daily rows holding exactly these segment columns (the others summed away): of n dimensions, bit
 * n−1−i stands for the table's i-th, as GROUPING() numbers its arguments.
 */
export function dimsMask(table: RollupTable, held: Iterable<Dimension>): number {
  const n = table.dimensions.length;
  let mask = 0;
  for (const d of held) {
    const i = table.dimensions.indexOf(d);
    if (i < 0) throw new Error(`${table.name} has no dimension ${d}`);
    mask |= 1 << (n - 1 - i);
  }
  return mask;
}

/** The mask of the daily rows holding every segment column. */
export const allDims = (table: RollupTable) => (1 << table.dimensions.length) - 1;

/** The masks of the daily subtotal rows: every subset of the subtotal dimensions (the full rows excepted). */
export function subtotalMasks(table: RollupTable): number[] {
  const within = dimsMask(table, table.subtotalDimensions);
  const masks: number[] = [];
  for (let mask = 0; mask < allDims(table); mask++) if ((mask & within) === mask) masks.push(mask);
  return masks;
}

/** The mask of the daily rows a statement holding these dimensions (filtered or broken down) reads: the fewest rows. */
export function dailyRowsFor(table: RollupTable, held: Iterable<Dimension>): number {
  const mask = dimsMask(table, held);
  return subtotalMasks(table).includes(mask) ? mask : allDims(table);
}

/**
 * How a metric is computed from a rollup: value and sample size from the rollup's summed columns. `sum(column)` is the
 * column's sum over the selected rows; `pendingDue(prefix)` counts an SLA's pending tickets whose deadline has passed.
 */
export interface RollupSql {
  readonly table: RollupTable;
  readonly value: (sum: (column: string) => string, pendingDue: (prefix: string) => string) => string;
  readonly sampleSize: (sum: (column: string) => string, pendingDue: (prefix: string) => string) => string;
  /** A duration metric's column holding its rows' durations (see durationValues): its median and p90 from the rollup. */
  readonly values?: string;
}

/** A ratio of two summed rollup columns (times `scale`, e.g. 100 for a percentage); the denominator is the sample size. */
export function rollupRatio(table: RollupTable, numerator: string, denominator: string, scale?: number): RollupSql {
  return {
    table,
    value: (s) => `${scale ? `${scale.toFixed(1)} * ` : ''}${s(numerator)} / nullif(${s(denominator)}, 0)`,
    sampleSize: (s) => s(denominator),
  };
}
