import { DIMENSION_SETS, type Dimension } from './dimensions';
import { AGENT_MESSAGES, TICKETS } from './fact-sources';
import type { MetricDefinition, SqlContext } from './metric-definition';
import { countIn, countOf, meanIn, percentFlag, percentIn } from './sql-fragments';
import { conversationCount, FCR_CONDITION, handleSecondsSum, slaCompliance, slaTarget } from './ticket-expressions';
import { MESSAGE_ROLLUP, TICKET_ROLLUP, rollupRatio as ratio, type RollupSql } from './rollups/rollup-tables';

/** SLA compliance from the ticket rollup: settled outcomes plus the pending tickets whose deadline has passed by now. */
const slaRollup = (prefix: 'slar' | 'slaf'): RollupSql => {
  const known = (s: (c: string) => string, due: (p: string) => string) => `(${s(`${prefix}_settled`)} + ${due(prefix)})`;
  return {
    table: TICKET_ROLLUP,
    value: (s, due) => `100.0 * ${s(`${prefix}_met`)} / nullif(${known(s, due)}, 0)`,
    sampleSize: (s, due) => known(s, due),
  };
};

export const TICKET_DIMENSIONS: readonly Dimension[] = DIMENSION_SETS.Ticket;

const ticketBase = { source: TICKETS, dimensions: TICKET_DIMENSIONS, kind: 'QUANTITATIVE' } as const;

/** SQL of a mean duration with its median and p90, attributed by an event. */
const meanDuration = (event: string, seconds: (ctx: SqlContext) => string) =>
  ({
    kind: 'event',
    event,
    value: (p: string, ctx: SqlContext) => meanIn(p, seconds(ctx)),
    sample: { where: (ctx: SqlContext) => `${seconds(ctx)} IS NOT NULL`, quantity: seconds },
    duration: seconds,
  }) as const;

/** A rate over the rows attributed by an event: each row's quantity says whether it met the condition. */
const rateOf = (event: string, condition: string) =>
  ({ kind: 'event', event, value: (p: string) => percentIn(p, condition), sample: { quantity: () => percentFlag(condition) } }) as const;

/** Open at the bucket's end: created before it, neither resolved nor abandoned by it. */
const OPEN_AT_END = `f.created_at < b.end_at
              AND (f.resolved_at IS NULL OR f.resolved_at > b.end_at) AND (f.abandoned_at IS NULL OR f.abandoned_at > b.end_at)`;

const resolutionSeconds = (ctx: SqlContext) => ctx.elapsed('f.created_at', 'f.resolved_at');
const firstResponseSeconds = (ctx: SqlContext) => ctx.elapsed('f.created_at', 'f.first_response_at');
const responseSeconds = (ctx: SqlContext) => ctx.elapsed('f.wait_start', 'f.sent_at');

/** Ticket metrics (metrics.md, "Ticket metrics"). */
export const TICKET_METRICS: readonly MetricDefinition[] = [
  {
    ...ticketBase,
    name: 'ticketVolume',
    title: 'Ticket volume',
    description: 'Number of tickets created.',
    formula: 'count of tickets whose created_at lies in the period',
    unit: 'COUNT',
    direction: 'NEUTRAL',
    indicator: 'LEADING',
    emptyValue: 0,
    rollup: { table: TICKET_ROLLUP, value: (s) => s('created_n'), sampleSize: (s) => s('created_n') },
    sql: { kind: 'event', event: 'created', value: (p) => countIn(p), sample: {} },
  },
  {
    ...ticketBase,
    name: 'firstResponseTime',
    elapsedTime: true,
    title: 'First response time',
    description: 'Time from a ticket’s creation to the first agent reply.',
    formula: 'mean of first_response_at − created_at over tickets first answered in the period (median and p90 too)',
    unit: 'SECONDS',
    direction: 'LOWER_IS_BETTER',
    indicator: 'LEADING',
    emptyValue: null,
    rollup: { ...ratio(TICKET_ROLLUP, 'fr_seconds', 'fr_n'), values: 'fr_values' },
    sql: meanDuration('firstResponse', firstResponseSeconds),
  },
  {
    name: 'averageResponseTime',
    elapsedTime: true,
    title: 'Average response time',
    description: 'Mean wait of a customer for each agent reply, not only the first.',
    formula:
      'mean over agent replies sent in the period of sent_at − the earliest customer message since the previous agent message (created_at for the first reply); follow-ups with nothing pending are not counted',
    unit: 'SECONDS',
    direction: 'LOWER_IS_BETTER',
    kind: 'QUANTITATIVE',
    indicator: 'LEADING',
    source: AGENT_MESSAGES,
    dimensions: TICKET_DIMENSIONS,
    emptyValue: null,
    rollup: { ...ratio(MESSAGE_ROLLUP, 'reply_wait_seconds', 'replies_n'), values: 'reply_wait_values' },
    sql: meanDuration('sent', responseSeconds),
  },
  {
    ...ticketBase,
    name: 'averageResolutionTime',
    elapsedTime: true,
    title: 'Average resolution time',
    description: 'Time from a ticket’s creation to its resolution.',
    formula: 'mean of resolved_at − created_at over tickets resolved in the period (median and p90 too)',
    unit: 'SECONDS',
    direction: 'LOWER_IS_BETTER',
    indicator: 'LAGGING',
    emptyValue: null,
    rollup: { ...ratio(TICKET_ROLLUP, 'res_seconds', 'resolved_n'), values: 'res_values' },
    sql: meanDuration('resolved', resolutionSeconds),
  },
  {
    ...ticketBase,
    name: 'firstContactResolutionRate',
    title: 'First contact resolution rate',
    description: 'Share of resolved tickets solved in a single agent contact.',
    formula:
      '% of tickets resolved in the period with exactly one agent message (or no messages and the phone channel), never reopened and not escalated',
    unit: 'PERCENT',
    direction: 'HIGHER_IS_BETTER',
    indicator: 'LAGGING',
    emptyValue: null,
    rollup: ratio(TICKET_ROLLUP, 'fcr_n', 'resolved_n', 100),
    sql: rateOf('resolved', FCR_CONDITION),
  },
  {
    ...ticketBase,
    name: 'slaComplianceResolution',
    elapsedTime: true,
    title: 'SLA compliance (resolution)',
    description: 'Share of tickets resolved within their resolution target.',
    formula:
      '% of tickets created in the period with a resolution target and a known outcome that met it: resolved within target = met; abandoned, or unresolved past the target = breached; unresolved and not yet due = excluded',
    unit: 'PERCENT',
    direction: 'HIGHER_IS_BETTER',
    indicator: 'LAGGING',
    emptyValue: null,
    rollup: slaRollup('slar'),
    sql: { kind: 'event', event: 'created', ...slaCompliance('f.resolved_at', slaTarget('resolution_minutes')) },
  },
  {
    ...ticketBase,
    name: 'slaComplianceFirstResponse',
    elapsedTime: true,
    title: 'SLA compliance (first response)',
    description: 'Share of tickets first answered within their first-response target.',
    formula:
      '% of tickets created in the period with a first-response target and a known outcome that met it, by the same rule as resolution with first_response_at',
    unit: 'PERCENT',
    direction: 'HIGHER_IS_BETTER',
    indicator: 'LEADING',
    emptyValue: null,
    rollup: slaRollup('slaf'),
    sql: { kind: 'event', event: 'created', ...slaCompliance('f.first_response_at', slaTarget('first_response_minutes')) },
  },
  {
    ...ticketBase,
    name: 'abandonmentRate',
    title: 'Abandonment rate',
    description: 'Share of tickets whose customer gave up before resolution.',
    formula: '% of tickets created in the period that have abandoned_at',
    unit: 'PERCENT',
    direction: 'LOWER_IS_BETTER',
    indicator: 'LEADING',
    emptyValue: null,
    rollup: ratio(TICKET_ROLLUP, 'abandoned_n', 'created_n', 100),
    sql: rateOf('created', 'f.abandoned_at IS NOT NULL'),
  },
  {
    ...ticketBase,
    name: 'escalationRate',
    title: 'Escalation rate',
    description: 'Share of tickets moved to a higher support level.',
    formula: '% of tickets created in the period that are escalated',
    unit: 'PERCENT',
    direction: 'LOWER_IS_BETTER',
    indicator: 'LEADING',
    emptyValue: null,
    rollup: ratio(TICKET_ROLLUP, 'escalated_n', 'created_n', 100),
    sql: rateOf('created', 'f.escalated'),
  },
  {
    ...ticketBase,
    name: 'reopenRate',
    title: 'Reopen rate',
    description: 'Share of resolved tickets that were reopened.',
    formula: '% of tickets resolved in the period with reopened_count > 0',
    unit: 'PERCENT',
    direction: 'LOWER_IS_BETTER',
    indicator: 'LAGGING',
    emptyValue: null,
    rollup: ratio(TICKET_ROLLUP, 'reopened_n', 'resolved_n', 100),
    sql: rateOf('resolved', 'f.reopened_count > 0'),
  },
  {
    ...ticketBase,
    name: 'interactionsPerTicket',
    title: 'Interactions per ticket',
    description: 'Messages exchanged to resolve a ticket.',
    formula: 'mean number of customer and agent messages per ticket resolved in the period',
    unit: 'RATIO',
    direction: 'LOWER_IS_BETTER',
    indicator: 'LAGGING',
    emptyValue: null,
    rollup: ratio(TICKET_ROLLUP, 'conversation_messages', 'resolved_n'),
    sql: { kind: 'event', event: 'resolved', value: (p) => meanIn(p, conversationCount), sample: { quantity: () => conversationCount } },
  },
  {
    name: 'averageHandleTime',
    title: 'Average handle time',
    description: 'Agent working time per interaction.',
    formula: 'total handle_seconds / number of agent messages with handle_seconds, over agent messages sent in the period',
    unit: 'SECONDS',
    direction: 'LOWER_IS_BETTER',
    kind: 'QUANTITATIVE',
    indicator: 'LAGGING',
    source: AGENT_MESSAGES,
    dimensions: TICKET_DIMENSIONS,
    emptyValue: null,
    rollup: ratio(MESSAGE_ROLLUP, 'handle_seconds', 'handled_n'),
    sql: {
      kind: 'event',
      event: 'sent',
      value: (p) => `sum(f.handle_seconds) FILTER (WHERE ${p}) / nullif(${countOf(p, 'f.handle_seconds')}, 0)`,
      sample: { where: () => 'f.handle_seconds IS NOT NULL', quantity: () => 'f.handle_seconds' },
    },
  },
  {
    ...ticketBase,
    name: 'ticketHandlingTime',
    title: 'Ticket handling time',
    description: 'Total agent working time spent per resolved ticket.',
    formula: 'mean over tickets resolved in the period of the sum of their messages’ handle_seconds',
    unit: 'SECONDS',
    direction: 'LOWER_IS_BETTER',
    indicator: 'LAGGING',
    emptyValue: null,
    rollup: ratio(TICKET_ROLLUP, 'handle_seconds', 'resolved_n'),
    sql: { kind: 'event', event: 'resolved', value: (p) => meanIn(p, handleSecondsSum), sample: { quantity: () => handleSecondsSum } },
  },
  {
    ...ticketBase,
    name: 'backlog',
    title: 'Backlog',
    description: 'Open tickets at a point in time: the end of the period, or of each bucket of a series.',
    formula: 'tickets created before the instant and neither resolved nor abandoned by it',
    unit: 'COUNT',
    direction: 'LOWER_IS_BETTER',
    indicator: 'LEADING',
    emptyValue: 0,
    sql: {
      kind: 'perBucket',
      parts: [
        {
          source: TICKETS,
          aggregates: { open: `count(*) FILTER (WHERE ${OPEN_AT_END})` },
        },
      ],
      value: (part) => part('open'),
      sample: { source: TICKETS, where: OPEN_AT_END, at: 'f.created_at' },
    },
  },
];
