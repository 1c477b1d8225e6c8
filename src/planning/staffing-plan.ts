import { asyncWorkloadPlan, requiredAgents, requiredAgentsErlangA, requiredChatAgents } from '../../forecasting';

/** How a channel is staffed: a queue answered live, live chat with concurrent sessions, or work answered later. */
export type StaffingModel = 'erlang-c' | 'erlang-a' | 'chat' | 'workload';

export interface StaffingParameters {
  intervalSeconds: number;
  ahtSeconds: number;
  targetServiceLevel: number;
  targetAnswerSeconds: number;
  maxOccupancy: number;
  shrinkage: number;
  /** Erlang A only: callers' mean patience. */
  patienceSeconds?: number;
  /** Chat only: sessions per agent. */
  concurrency?: number;
  /** Workload only: every item answered within this many seconds. */
  responseTargetSeconds?: number;
}

/** The requirement of one interval. */
export interface IntervalRequirement {
  contacts: number;
  agents: number;
  scheduledAgents: number;
  /** Share of contacts answered within the target (0–1); null for the workload model, which has no queue. */
  serviceLevel: number | null;
  /** Mean wait in seconds; null for the workload model or an overloaded queue. */
  averageSpeedOfAnswer: number | null;
  occupancy: number;
  /** Erlang A only: probability a contact abandons. */
  abandonRate: number | null;
}

/** The requirement of an interval the desk is closed in: nobody scheduled, nothing answered. */
const CLOSED: Omit<IntervalRequirement, 'contacts'> = {
  agents: 0,
  scheduledAgents: 0,
  serviceLevel: null,
  averageSpeedOfAnswer: null,
  occupancy: 0,
  abandonRate: null,
};

/**
 * The requirement of each interval when only the `open` ones are staffed (contacts of closed intervals must already be
 * carried into open ones, see carryClosedContacts). The open intervals are planned as one sequence, so the workload
 * model spreads work over open time only: its response target counts business time, as a closed desk answers nothing.
 */
export function planOpenStaffing(contacts: number[], open: boolean[], model: StaffingModel, p: StaffingParameters): IntervalRequirement[] {
  const openIndexes = contacts.map((_, k) => k).filter((k) => open[k]);
  const planned = planStaffing(
    openIndexes.map((k) => contacts[k]),
    model,
    p,
  );
  const out: IntervalRequirement[] = contacts.map((c) => ({ ...CLOSED, contacts: c }));
  openIndexes.forEach((k, j) => (out[k] = planned[j]));
  return out;
}

/**
 * Required agents per interval for a series of forecast contacts under the channel's model: Erlang C (or Erlang A when
 * callers abandon) for a live queue, Erlang C on session slots for chat, and the deadline workload model for
 * asynchronous work, which spreads each interval's items over the response target and carries backlog forward.
 */
export function planStaffing(contacts: number[], model: StaffingModel, p: StaffingParameters): IntervalRequirement[] {
  if (model === 'workload') {
    const plan = asyncWorkloadPlan({
      volumes: contacts,
      intervalSeconds: p.intervalSeconds,
      ahtSeconds: p.ahtSeconds,
      responseTargetSeconds: p.responseTargetSeconds ?? p.intervalSeconds,
      maxOccupancy: p.maxOccupancy,
      shrinkage: p.shrinkage,
    });
    return plan.intervals.map((i) => ({
      contacts: i.volume,
      agents: i.agents,
      scheduledAgents: i.scheduledAgents,
      serviceLevel: null,
      averageSpeedOfAnswer: null,
      occupancy: i.occupancy,
      abandonRate: null,
    }));
  }
  return contacts.map((volume) => {
    const common = {
      volume,
      intervalSeconds: p.intervalSeconds,
      ahtSeconds: p.ahtSeconds,
      targetServiceLevel: p.targetServiceLevel,
      targetAnswerSeconds: p.targetAnswerSeconds,
      maxOccupancy: p.maxOccupancy,
      shrinkage: p.shrinkage,
    };
    if (model === 'erlang-a') {
      const r = requiredAgentsErlangA({ ...common, patienceSeconds: p.patienceSeconds! });
      return {
        contacts: volume,
        agents: r.agents,
        scheduledAgents: r.scheduledAgents,
        serviceLevel: r.serviceLevel,
        averageSpeedOfAnswer: r.averageSpeedOfAnswer,
        occupancy: r.occupancy,
        abandonRate: r.probabilityOfAbandon,
      };
    }
    const r = model === 'chat' ? requiredChatAgents({ ...common, concurrency: p.concurrency ?? 1 }) : requiredAgents(common);
    return {
      contacts: volume,
      agents: r.agents,
      scheduledAgents: r.scheduledAgents,
      serviceLevel: r.serviceLevel,
      averageSpeedOfAnswer: Number.isFinite(r.averageSpeedOfAnswer) ? r.averageSpeedOfAnswer : null,
      occupancy: r.occupancy,
      abandonRate: null,
    };
  });
}
