import { DIMENSION_SETS, type Dimension } from './dimensions';
import { AGENT_MESSAGES, TICKETS } from './fact-sources';
import type { MetricDefinition, SqlContext } from './metric-definition';
import { countIn, countOf, meanIn, percentIn } from './sql-fragments';

export const TICKET_DIMENSIONS: readonly Dimension[] = DIMENSION_SETS.Ticket;

// Messages other than bots' are the conversation; bots never respond or interact (metrics.md, common rules).
const agentMessageCount = `(SELECT count(*) FROM messages m WHERE m.ticket_id = f.id AND m.author = 'agent')`;
const conversationCount = `(SELECT count(*) FROM messages m WHERE m.ticket_id = f.id AND m.author IN ('customer', 'agent'))`;
const handleSecondsSum = `(SELECT COALESCE(sum(m.handle_seconds), 0) FROM messages m WHERE m.ticket_id = f.id AND m.author <> 'bot')`;

/** The SLA target (seconds) of a ticket: its priority's channel-specific policy row if one exists, else the catch-all row. */
const slaTarget = (column: 'first_response_minutes' | 'resolution_minutes') =>
  `((SELECT p.${column} FROM sla_policies p WHERE p.priority = f.priority AND (p.channel = f.channel OR p.channel IS NULL)
     ORDER BY p.channel NULLS LAST LIMIT 1) * 60)`;

/** SLA compliance on one milestone: met when reached within target; breached when abandoned or overdue; open-and-not-due excluded. */
function slaCompliance(milestone: string, target: string) {
  const met = (ctx: SqlContext) => `${milestone} IS NOT NULL AND ${ctx.elapsed('f.created_at', milestone)} <= ${target}`;
  const known = (ctx: SqlContext) => `${target} IS NOT NULL AND (${milestone} IS NOT NULL OR f.abandoned_at IS NOT NULL
    OR ${ctx.elapsed('f.created_at', 'now()')} > ${target})`;
  return {
    value: (p: string, ctx: SqlContext) => percentIn(p, met(ctx), known(ctx)),
    sampleSize: (p: string, ctx: SqlContext) => countIn(p, known(ctx)),
  };
}

const ticketBase = { source: TICKETS, dimensions: TICKET_DIMENSIONS, kind: 'QUANTITATIVE' } as const;

/** SQL of a mean duration with its median and p90, attributed by an event. */
const meanDuration = (event: string, seconds: (ctx: SqlContext) => string) =>
  ({
    kind: 'event',
    event,
    value: (p: string, ctx: SqlContext) => meanIn(p, seconds(ctx)),
    sampleSize: (p: string, ctx: SqlContext) => countOf(p, seconds(ctx)),
    duration: seconds,
  }) as const;

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
    sql: { kind: 'event', event: 'created', value: (p) => countIn(p), sampleSize: (p) => countIn(p) },
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
    sql: {
      kind: 'event',
      event: 'resolved',
      value: (p) =>
        percentIn(
          p,
          `(${agentMessageCount} = 1 OR (f.channel = 'phone' AND ${conversationCount} = 0)) AND f.reopened_count = 0 AND NOT f.escalated`,
        ),
      sampleSize: (p) => countIn(p),
    },
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
    sql: { kind: 'event', event: 'created', value: (p) => percentIn(p, 'f.abandoned_at IS NOT NULL'), sampleSize: (p) => countIn(p) },
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
    sql: { kind: 'event', event: 'created', value: (p) => percentIn(p, 'f.escalated'), sampleSize: (p) => countIn(p) },
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
    sql: { kind: 'event', event: 'resolved', value: (p) => percentIn(p, 'f.reopened_count > 0'), sampleSize: (p) => countIn(p) },
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
    sql: { kind: 'event', event: 'resolved', value: (p) => meanIn(p, conversationCount), sampleSize: (p) => countIn(p) },
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
    sql: {
      kind: 'event',
      event: 'sent',
      value: (p) => `sum(f.handle_seconds) FILTER (WHERE ${p}) / nullif(${countOf(p, 'f.handle_seconds')}, 0)`,
      sampleSize: (p) => countOf(p, 'f.handle_seconds'),
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
    sql: { kind: 'event', event: 'resolved', value: (p) => meanIn(p, handleSecondsSum), sampleSize: (p) => countIn(p) },
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
          aggregates: {
            open: `count(*) FILTER (WHERE f.created_at < b.end_at
              AND (f.resolved_at IS NULL OR f.resolved_at > b.end_at) AND (f.abandoned_at IS NULL OR f.abandoned_at > b.end_at))`,
          },
        },
      ],
      value: (part) => part('open'),
      sampleSize: (part) => part('open'),
    },
  },
];
