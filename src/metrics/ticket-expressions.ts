import type { SqlContext } from './metric-definition';
import { countIn, percentIn } from './sql-fragments';

/**
 * Per-ticket SQL expressions over a ticket row `f`, shared by the ticket metrics and the ticket rollup so both count
 * exactly the same thing.
 */

// Messages other than bots' are the conversation; bots never respond or interact (metrics.md, common rules).
export const agentMessageCount = `(SELECT count(*) FROM messages m WHERE m.ticket_id = f.id AND m.author = 'agent')`;
export const conversationCount = `(SELECT count(*) FROM messages m WHERE m.ticket_id = f.id AND m.author IN ('customer', 'agent'))`;
export const handleSecondsSum = `(SELECT COALESCE(sum(m.handle_seconds), 0) FROM messages m WHERE m.ticket_id = f.id AND m.author <> 'bot')`;

/** Resolved in one agent contact: exactly one agent message (or a phone ticket without messages), never reopened, not escalated. */
export const FCR_CONDITION = `(${agentMessageCount} = 1 OR (f.channel = 'phone' AND ${conversationCount} = 0)) AND f.reopened_count = 0 AND NOT f.escalated`;

export type SlaMilestone = 'f.resolved_at' | 'f.first_response_at';
export type SlaTargetColumn = 'first_response_minutes' | 'resolution_minutes';

/** The SLA target (seconds) of a ticket: its priority's channel-specific policy row if one exists, else the catch-all row. */
export const slaTarget = (column: SlaTargetColumn) =>
  `((SELECT p.${column} FROM sla_policies p WHERE p.priority = f.priority AND (p.channel = f.channel OR p.channel IS NULL)
     ORDER BY p.channel NULLS LAST LIMIT 1) * 60)`;

/** Milestone reached within target (only meaningful where the target exists). */
export const slaMet = (milestone: string, target: string, ctx: SqlContext) =>
  `${milestone} IS NOT NULL AND ${ctx.elapsed('f.created_at', milestone)} <= ${target}`;

/** The outcome is settled whatever the time: the milestone was reached or the ticket was abandoned. */
export const slaSettled = (milestone: string, target: string) => `${target} IS NOT NULL AND (${milestone} IS NOT NULL OR f.abandoned_at IS NOT NULL)`;

/** Neither reached nor abandoned: known (breached) only once the target has elapsed. */
export const slaPending = (milestone: string, target: string) => `${target} IS NOT NULL AND ${milestone} IS NULL AND f.abandoned_at IS NULL`;

/** SLA compliance on one milestone: met when reached within target; breached when abandoned or overdue; open-and-not-due excluded. */
export function slaCompliance(milestone: SlaMilestone, target: string) {
  const met = (ctx: SqlContext) => slaMet(milestone, target, ctx);
  const known = (ctx: SqlContext) => `${target} IS NOT NULL AND (${milestone} IS NOT NULL OR f.abandoned_at IS NOT NULL
    OR ${ctx.elapsed('f.created_at', 'now()')} > ${target})`;
  return {
    value: (p: string, ctx: SqlContext) => percentIn(p, met(ctx), known(ctx)),
    sampleSize: (p: string, ctx: SqlContext) => countIn(p, known(ctx)),
  };
}
