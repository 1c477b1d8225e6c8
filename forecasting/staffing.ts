/**
 * Staffing for channels that are not plain voice: deferrable work with a response-time target
 * (email, web forms, asynchronous messaging) and chat with concurrent sessions.
 * Voice-style queues live in erlang-c.ts and erlang-a.ts.
 */
import { erlangC, requiredAgents, scheduledFromProductive, TARGET_TOLERANCE } from './erlang-c';
import type { ErlangCResult } from './erlang-c';
import { requireFraction, requireNonNegative, requireObject, requirePositive, requirePositiveInteger } from './staffing-validation';

/** One interval of deferrable work, assumed typical of the intervals around it (steady state). */
export interface AsyncWorkloadInput {
  /** Items arriving in the interval. */
  volume: number;
  intervalSeconds: number;
  /** Agent time per item, seconds (at concurrency 1). */
  ahtSeconds: number;
  /** Every item must be finished within this many seconds of arriving; must be >= ahtSeconds. */
  responseTargetSeconds: number;
  /** Cap on the share of productive time spent on items, 0 < x <= 1; default 1. */
  maxOccupancy?: number;
  /** 0 <= x < 1; default 0. */
  shrinkage?: number;
  /** Items an agent works on at once (e.g. asynchronous messaging threads); default 1. */
  concurrency?: number;
}

/** Steady-state requirement for deferrable work. */
export interface AsyncWorkloadResult {
  /** Agent-equivalents of work arriving: volume·aht / (interval·concurrency). */
  workloadErlangs: number;
  /** Productive agents: ceil(workloadErlangs / maxOccupancy). */
  agents: number;
  /** agents grossed up for shrinkage. */
  scheduledAgents: number;
  /** workloadErlangs / agents (0 when no agents are needed). */
  occupancy: number;
  /** Whole intervals over which one interval's arrivals may be spread: max(1, floor(target/interval)). */
  responseWindowIntervals: number;
  /**
   * True when the response target is shorter than the interval: arrivals are then not smoothed by the
   * deadline, random bunching matters, and a queueing model (requiredAgents with
   * targetAnswerSeconds = responseTargetSeconds − ahtSeconds) is the safer estimate.
   */
  shortResponseTarget: boolean;
}

/** A sequence of intervals of deferrable work, with backlog carried across intervals. */
export interface AsyncWorkloadPlanInput {
  /** Items arriving in each consecutive interval (nothing is assumed to arrive before the first). */
  volumes: number[];
  intervalSeconds: number;
  ahtSeconds: number;
  responseTargetSeconds: number;
  maxOccupancy?: number;
  shrinkage?: number;
  concurrency?: number;
  /** Items already open at the start; treated as arriving at time 0 (due within the response window). */
  initialBacklog?: number;
}

/** Requirement for one interval of the plan. */
export interface AsyncPlanInterval {
  index: number;
  volume: number;
  /** Agent-equivalents of work arriving in this interval. */
  arrivingWorkloadErlangs: number;
  /** Agent-equivalents of work the plan does in this interval (the spread workload). */
  plannedWorkloadErlangs: number;
  agents: number;
  scheduledAgents: number;
  /** plannedWorkloadErlangs / agents (0 when no agents are needed). */
  occupancy: number;
  /** Items still open at the end of the interval if exactly the planned work is done. */
  backlogEnd: number;
}

/** The plan and the work it leaves for after the horizon. */
export interface AsyncWorkloadPlanResult {
  responseWindowIntervals: number;
  shortResponseTarget: boolean;
  intervals: AsyncPlanInterval[];
  /** Items open after the last interval (they are still within their response window). */
  carriedBacklog: number;
}

/** Chat with concurrent sessions, staffed as an Erlang C queue of session slots. */
export interface ChatAgentsInput {
  /** Chat sessions offered in the interval. */
  volume: number;
  intervalSeconds: number;
  /** Mean session duration in seconds, as observed at the given concurrency (not agent time per chat). */
  ahtSeconds: number;
  /** Sessions an agent handles at once (slots per agent), a whole number >= 1. */
  concurrency: number;
  targetServiceLevel: number;
  /** Time to the first agent reply that counts as in service level, seconds. */
  targetAnswerSeconds: number;
  /** Cap on slot occupancy, 0 < x <= 1; default 1. */
  maxOccupancy?: number;
  shrinkage?: number;
}

/** Chat requirement: Erlang C metrics at agents × concurrency slots. */
export interface ChatAgentsResult extends ErlangCResult {
  agents: number;
  scheduledAgents: number;
  /** agents × concurrency: sessions that can be open at once. */
  slots: number;
}

interface AsyncCommon {
  interval: number;
  itemWork: number; // agent-seconds per item after concurrency
  windowIntervals: number;
  shortResponseTarget: boolean;
  maxOccupancy: number;
  shrinkage: number;
}

/** Validates the fields shared by the steady-state and interval-by-interval workload models. */
function readAsyncCommon(obj: Record<string, unknown>): AsyncCommon {
  const interval = requirePositive('intervalSeconds', obj.intervalSeconds);
  const aht = requirePositive('ahtSeconds', obj.ahtSeconds);
  const target = requirePositive('responseTargetSeconds', obj.responseTargetSeconds);
  // An item cannot be finished sooner than it takes to handle it.
  if (target < aht) throw new RangeError('responseTargetSeconds must be >= ahtSeconds');
  const maxOccupancy =
    obj.maxOccupancy === undefined ? 1 : requireFraction('maxOccupancy', obj.maxOccupancy, { minInclusive: false, maxInclusive: true });
  const shrinkage = obj.shrinkage === undefined ? 0 : requireFraction('shrinkage', obj.shrinkage, { minInclusive: true, maxInclusive: false });
  const concurrency = obj.concurrency === undefined ? 1 : requirePositiveInteger('concurrency', obj.concurrency);
  // Tolerance so a target of exactly 2 intervals computed in floating point still counts as 2.
  const windowIntervals = Math.max(1, Math.floor((target / interval) * (1 + TARGET_TOLERANCE)));
  return {
    interval,
    itemWork: aht / concurrency,
    windowIntervals,
    shortResponseTarget: target < interval,
    maxOccupancy,
    shrinkage,
  };
}

/** Agents for a workload under an occupancy cap; the tolerance keeps 8.5/0.85 at 10, not 11. */
function agentsForWorkload(erlangs: number, maxOccupancy: number): number {
  if (erlangs <= 0) return 0;
  return Math.ceil((erlangs / maxOccupancy) * (1 - TARGET_TOLERANCE));
}

/**
 * Steady-state staffing for deferrable work: with the same volume in every interval no deadline can lower
 * the requirement below the arriving workload, so agents = ceil(workload / maxOccupancy). The response
 * target only decides feasibility and whether a queueing model should be used instead (see
 * shortResponseTarget); for volumes that vary, use asyncWorkloadPlan.
 */
export function asyncWorkload(input: AsyncWorkloadInput): AsyncWorkloadResult {
  const obj = requireObject('input', input);
  const volume = requireNonNegative('volume', obj.volume);
  const c = readAsyncCommon(obj);
  const workloadErlangs = (volume * c.itemWork) / c.interval;
  const agents = agentsForWorkload(workloadErlangs, c.maxOccupancy);
  return {
    workloadErlangs,
    agents,
    scheduledAgents: scheduledFromProductive(agents, c.shrinkage),
    occupancy: agents === 0 ? 0 : workloadErlangs / agents,
    responseWindowIntervals: c.windowIntervals,
    shortResponseTarget: c.shortResponseTarget,
  };
}

/**
 * Interval-by-interval staffing for deferrable work: each interval's work is spread evenly over the m
 * intervals of its response window (itself and the next m − 1). Processed first-in first-out, cumulative
 * capacity by the end of interval j + m − 1 then covers all work that arrived by the end of j, so every
 * item is finished within m intervals ≤ responseTargetSeconds of arriving. Peaks are flattened; the work
 * not yet done is carried as backlog.
 */
export function asyncWorkloadPlan(input: AsyncWorkloadPlanInput): AsyncWorkloadPlanResult {
  const obj = requireObject('input', input);
  if (!Array.isArray(obj.volumes)) throw new TypeError('volumes must be an array of numbers');
  const volumes = (obj.volumes as unknown[]).map((v, i) => requireNonNegative(`volumes[${i}]`, v));
  const initialBacklog = obj.initialBacklog === undefined ? 0 : requireNonNegative('initialBacklog', obj.initialBacklog);
  const c = readAsyncCommon(obj);
  const m = c.windowIntervals;
  // Work (agent-seconds) per interval; the initial backlog is spread over the first window like arrivals.
  const work = volumes.map((v) => v * c.itemWork);
  const intervals: AsyncPlanInterval[] = [];
  let open = initialBacklog * c.itemWork; // agent-seconds not yet done
  for (let i = 0; i < volumes.length; i++) {
    let planned = i < m ? (initialBacklog * c.itemWork) / m : 0;
    for (let j = Math.max(0, i - m + 1); j <= i; j++) planned += work[j] / m;
    open += work[i] - planned;
    const plannedErlangs = planned / c.interval;
    const agents = agentsForWorkload(plannedErlangs, c.maxOccupancy);
    intervals.push({
      index: i,
      volume: volumes[i],
      arrivingWorkloadErlangs: work[i] / c.interval,
      plannedWorkloadErlangs: plannedErlangs,
      agents,
      scheduledAgents: scheduledFromProductive(agents, c.shrinkage),
      occupancy: agents === 0 ? 0 : plannedErlangs / agents,
      // Clamp rounding noise (e.g. −1e-13) so the API never reports a negative backlog.
      backlogEnd: Math.max(0, open / c.itemWork),
    });
  }
  return {
    responseWindowIntervals: m,
    shortResponseTarget: c.shortResponseTarget,
    intervals,
    carriedBacklog: Math.max(0, open / c.itemWork),
  };
}

/**
 * Chat staffing: each agent is k parallel servers ("slots") and sessions queue for a free slot, so the
 * fewest slots meeting the targets come from Erlang C on session traffic, and agents = ceil(slots / k).
 * Session duration must be the one observed at that concurrency (sessions run slower when multiplexed).
 */
export function requiredChatAgents(input: ChatAgentsInput): ChatAgentsResult {
  const obj = requireObject('input', input);
  const concurrency = requirePositiveInteger('concurrency', obj.concurrency);
  const base = requiredAgents({
    volume: obj.volume as number,
    intervalSeconds: obj.intervalSeconds as number,
    ahtSeconds: obj.ahtSeconds as number,
    targetServiceLevel: obj.targetServiceLevel as number,
    targetAnswerSeconds: obj.targetAnswerSeconds as number,
    maxOccupancy: obj.maxOccupancy as number | undefined,
    shrinkage: obj.shrinkage as number | undefined,
  });
  const agents = Math.ceil(base.agents / concurrency);
  const slots = agents * concurrency;
  const shrinkage = obj.shrinkage === undefined ? 0 : (obj.shrinkage as number);
  const metrics = erlangC({
    volume: obj.volume as number,
    intervalSeconds: obj.intervalSeconds as number,
    ahtSeconds: obj.ahtSeconds as number,
    targetAnswerSeconds: obj.targetAnswerSeconds as number,
    agents: slots,
  });
  return { ...metrics, agents, scheduledAgents: scheduledFromProductive(agents, shrinkage), slots };
}
