/** How elapsed seconds between two instants are measured (calendar or business hours). */
interface Elapsed {
  elapsed(start: string, end: string): string;
}

/**
 * Per-ticket SQL expressions over a ticket row `f`, shared by the ticket metrics and the ticket rollup so both count
 * exactly the same thing.
 */

// Messages other than bots' are the conversation; bots never respond or interact (metrics.md, common rules).
const AGENT_MESSAGE = `m.author = 'agent'`;
const CONVERSATION_MESSAGE = `m.author IN ('customer', 'agent')`;
const HANDLED_MESSAGE = `m.author <> 'bot'`;

export const agentMessageCount = `(SELECT count(*) FROM messages m WHERE m.ticket_id = f.id AND ${AGENT_MESSAGE})`;
export const conversationCount = `(SELECT count(*) FROM messages m WHERE m.ticket_id = f.id AND ${CONVERSATION_MESSAGE})`;
export const handleSecondsSum = `(SELECT COALESCE(sum(m.handle_seconds), 0) FROM messages m WHERE m.ticket_id = f.id AND ${HANDLED_MESSAGE})`;

/** Resolved in one agent contact: exactly one agent message (or a phone ticket without messages), never reopened, not escalated. */
export const fcrCondition = (agentMessages: string, conversation: string) =>
  `(${agentMessages} = 1 OR (f.channel = 'phone' AND ${conversation} = 0)) AND f.reopened_count = 0 AND NOT f.escalated`;

const TICKET_MESSAGE_COUNTS = `count(*) FILTER (WHERE ${AGENT_MESSAGE}) AS agent_n,
        count(*) FILTER (WHERE ${CONVERSATION_MESSAGE}) AS conversation_n,
        COALESCE(sum(m.handle_seconds) FILTER (WHERE ${HANDLED_MESSAGE}), 0) AS handle_seconds`;

/** The counts of ticketMessagesJoin; a ticket without messages has no row in the grouped form, hence the zeros. */
export const TICKET_MESSAGES = {
  agent: 'coalesce(fm.agent_n, 0)',
  conversation: 'coalesce(fm.conversation_n, 0)',
  handleSeconds: 'coalesce(fm.handle_seconds, 0)',
} as const;

/**
 * The three message counts above in one pass over a ticket's messages, as a join read through TICKET_MESSAGES, for
 * statements that read many tickets (the rollup build). For a few tickets, one index scan each; for every ticket
 * (`everyTicket`), one grouped pass over all messages, which costs far less than a probe per ticket.
 */
export function ticketMessagesJoin(everyTicket: boolean): string {
  return everyTicket
    ? `LEFT JOIN (SELECT m.ticket_id, ${TICKET_MESSAGE_COUNTS} FROM messages m GROUP BY m.ticket_id) fm ON fm.ticket_id = f.id`
    : `LEFT JOIN LATERAL (SELECT ${TICKET_MESSAGE_COUNTS} FROM messages m WHERE m.ticket_id = f.id) fm ON true`;
}

export type SlaMilestone = 'f.resolved_at' | 'f.first_response_at';
export type SlaTargetColumn = 'first_response_minutes' | 'resolution_minutes';

// The policy row of a ticket: its priority's channel-specific row if one exists, else the catch-all row.
const POLICY_OF_TICKET = `FROM sla_policies p WHERE p.priority = f.priority AND (p.channel = f.channel OR p.channel IS NULL)
     ORDER BY p.channel NULLS LAST LIMIT 1`;

/** The SLA target (seconds) of a ticket, from its policy row. */
export const slaTarget = (column: SlaTargetColumn) => `((SELECT p.${column} ${POLICY_OF_TICKET}) * 60)`;

/**
 * Both SLA targets (seconds) of a ticket looked up once, as a join (alias `sla`, columns named like SlaTargetColumn) for
 * statements that read every ticket; `sla.<column>` then equals slaTarget(column).
 */
export const SLA_TARGETS_JOIN = `LEFT JOIN LATERAL (
      SELECT p.first_response_minutes * 60 AS first_response_minutes, p.resolution_minutes * 60 AS resolution_minutes
      ${POLICY_OF_TICKET}) sla ON true`;

/** Milestone reached within target (only meaningful where the target exists). */
export const slaMet = (milestone: string, target: string, ctx: Elapsed) =>
  `${milestone} IS NOT NULL AND ${ctx.elapsed('f.created_at', milestone)} <= ${target}`;

/** The outcome is settled whatever the time: the milestone was reached or the ticket was abandoned. */
export const slaSettled = (milestone: string, target: string) => `${target} IS NOT NULL AND (${milestone} IS NOT NULL OR f.abandoned_at IS NOT NULL)`;

/** Neither reached nor abandoned: known (breached) only once the target has elapsed. */
export const slaPending = (milestone: string, target: string) => `${target} IS NOT NULL AND ${milestone} IS NULL AND f.abandoned_at IS NULL`;
