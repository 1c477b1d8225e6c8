import { DIMENSION_SETS, type Dimension } from './dimensions';
import { AGENT_MESSAGES, TICKETS } from './fact-sources';
import type { MetricDefinition } from './metric-definition';
import { measured } from './measured-metric';
import { countMeasure, countOfRows, dueMeasure, meanOf, ratioOf, shareOf, sumMeasure, valuesMeasure, type RowContext } from './measures';
import { percentFlag } from './sql-fragments';
import { fcrCondition, slaMet, slaPending, slaSettled, type SlaMilestone, type SlaTargetColumn } from './ticket-expressions';

export const TICKET_DIMENSIONS: readonly Dimension[] = DIMENSION_SETS.Ticket;

const ticketBase = { source: TICKETS, dimensions: TICKET_DIMENSIONS, kind: 'QUANTITATIVE' } as const;

/** Open at the bucket's end: created before it, neither resolved nor abandoned by it. */
const OPEN_AT_END = `f.created_at < b.end_at
              AND (f.resolved_at IS NULL OR f.resolved_at > b.end_at) AND (f.abandoned_at IS NULL OR f.abandoned_at > b.end_at)`;

const created = { source: TICKETS, event: 'created' } as const;
const firstAnswered = { source: TICKETS, event: 'firstResponse' } as const;
const resolved = { source: TICKETS, event: 'resolved' } as const;
const sent = { source: AGENT_MESSAGES, event: 'sent' } as const;

const firstResponseSeconds = (c: RowContext) => c.elapsed('f.created_at', 'f.first_response_at');
const resolutionSeconds = (c: RowContext) => c.elapsed('f.created_at', 'f.resolved_at');
const replyWaitSeconds = (c: RowContext) => c.elapsed('f.wait_start', 'f.sent_at');
const handleSeconds = () => 'f.handle_seconds';

const CREATED = countMeasure({ ...created, name: 'created_n', description: 'tickets created' });
const ABANDONED = countMeasure({
  ...created,
  name: 'abandoned_n',
  description: 'tickets created and later abandoned',
  filter: () => 'f.abandoned_at IS NOT NULL',
});
const ESCALATED = countMeasure({ ...created, name: 'escalated_n', description: 'tickets created and escalated', filter: () => 'f.escalated' });
const FIRST_RESPONSES = countMeasure({ ...firstAnswered, name: 'fr_n', description: 'tickets first answered', of: firstResponseSeconds });
const FIRST_RESPONSE_SECONDS = sumMeasure({
  ...firstAnswered,
  name: 'fr_seconds',
  description: 'seconds from creation to first response',
  expr: firstResponseSeconds,
});
const FIRST_RESPONSE_VALUES = valuesMeasure({ ...firstAnswered, name: 'fr_values', description: 'first response times', expr: firstResponseSeconds });
const RESOLVED = countMeasure({ ...resolved, name: 'resolved_n', description: 'tickets resolved' });
const RESOLUTIONS = countMeasure({ ...resolved, name: 'res_n', description: 'tickets resolved (with a resolution time)', of: resolutionSeconds });
const RESOLUTION_SECONDS = sumMeasure({
  ...resolved,
  name: 'res_seconds',
  description: 'seconds from creation to resolution',
  expr: resolutionSeconds,
});
const RESOLUTION_VALUES = valuesMeasure({ ...resolved, name: 'res_values', description: 'resolution times', expr: resolutionSeconds });
const FIRST_CONTACT = countMeasure({
  ...resolved,
  name: 'fcr_n',
  description: 'tickets resolved in one agent contact',
  filter: (c) => fcrCondition(c.ticketMessages.agent, c.ticketMessages.conversation),
});
const REOPENED = countMeasure({
  ...resolved,
  name: 'reopened_n',
  description: 'tickets resolved after a reopen',
  filter: () => 'f.reopened_count > 0',
});
const CONVERSATION_MESSAGES = sumMeasure({
  ...resolved,
  name: 'conversation_messages',
  description: 'customer and agent messages of resolved tickets',
  expr: (c) => c.ticketMessages.conversation,
});
const TICKET_HANDLE_SECONDS = sumMeasure({
  ...resolved,
  name: 'handle_seconds',
  description: 'agent handle seconds of resolved tickets',
  expr: (c) => c.ticketMessages.handleSeconds,
  type: 'double precision',
});
const REPLIES = countMeasure({ ...sent, name: 'replies_n', description: 'agent replies that answered a waiting customer', of: replyWaitSeconds });
const REPLY_WAIT_SECONDS = sumMeasure({
  ...sent,
  name: 'reply_wait_seconds',
  description: 'seconds customers waited for those replies',
  expr: replyWaitSeconds,
});
const REPLY_WAIT_VALUES = valuesMeasure({ ...sent, name: 'reply_wait_values', description: 'reply waits', expr: replyWaitSeconds });
const HANDLED = countMeasure({ ...sent, name: 'handled_n', description: 'agent replies with a handle time', of: handleSeconds });
const HANDLE_SECONDS = sumMeasure({
  ...sent,
  name: 'handle_seconds',
  description: 'handle seconds of agent replies',
  expr: handleSeconds,
  type: 'double precision',
});

/**
 * SLA compliance on one milestone: met when reached within target; breached when abandoned, or pending once the target
 * has elapsed (at query time); pending and not yet due, excluded.
 */
function slaCompliance(prefix: 'slar' | 'slaf', milestone: SlaMilestone, column: SlaTargetColumn) {
  const what = prefix === 'slar' ? 'resolution' : 'first response';
  const target = (c: RowContext) => c.slaTarget(column);
  const met = countMeasure({
    ...created,
    name: `${prefix}_met`,
    description: `tickets created that met their ${what} target`,
    filter: (c) => `${target(c)} IS NOT NULL AND ${slaMet(milestone, target(c), c)}`,
  });
  const settled = countMeasure({
    ...created,
    name: `${prefix}_settled`,
    description: `tickets created whose ${what} target was met or missed for good`,
    filter: (c) => slaSettled(milestone, target(c)),
  });
  const due = dueMeasure({
    ...created,
    name: `${prefix}_pending`,
    description: `tickets created still awaiting their ${what}, due at their target`,
    filter: (c) => slaPending(milestone, target(c)),
    target,
  });
  return measured({
    value: (m) => `100.0 * ${m(met)} / nullif(${m(settled)} + ${m(due)}, 0)`,
    sample: [settled, due],
    quantity: (c) => percentFlag(met.filter!(c)),
  });
}

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
    ...measured(countOfRows(CREATED)),
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
    ...measured(meanOf(FIRST_RESPONSE_SECONDS, FIRST_RESPONSES, { durations: FIRST_RESPONSE_VALUES })),
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
    ...measured(meanOf(REPLY_WAIT_SECONDS, REPLIES, { durations: REPLY_WAIT_VALUES })),
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
    ...measured(meanOf(RESOLUTION_SECONDS, RESOLUTIONS, { durations: RESOLUTION_VALUES })),
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
    ...measured(shareOf(FIRST_CONTACT, RESOLVED)),
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
    ...slaCompliance('slar', 'f.resolved_at', 'resolution_minutes'),
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
    ...slaCompliance('slaf', 'f.first_response_at', 'first_response_minutes'),
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
    ...measured(shareOf(ABANDONED, CREATED)),
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
    ...measured(shareOf(ESCALATED, CREATED)),
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
    ...measured(shareOf(REOPENED, RESOLVED)),
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
    ...measured(ratioOf(CONVERSATION_MESSAGES, RESOLVED, { quantity: CONVERSATION_MESSAGES.expr })),
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
    ...measured(ratioOf(HANDLE_SECONDS, HANDLED, { quantity: handleSeconds })),
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
    ...measured(ratioOf(TICKET_HANDLE_SECONDS, RESOLVED, { quantity: TICKET_HANDLE_SECONDS.expr })),
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
    rawOnly: 'a state at each instant (tickets open at a bucket’s end), not a sum over events',
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
