/**
 * Erlang C (M/M/N, infinitely patient callers): the textbook real-time staffing model
 * (Erlang 1917; Cooper, Introduction to Queueing Theory, 2nd ed., 1981, §3.4).
 */
import { erlangB, erlangBNext } from './staffing-math';
import { requireFraction, requireNonNegative, requireNonNegativeInteger, requireObject, requirePositive } from './staffing-validation';

/** One interval's demand and a given head-count. */
export interface ErlangCInput {
  /** Contacts offered in the interval. */
  volume: number;
  /** Interval length in seconds (e.g. 1800 for half-hours). */
  intervalSeconds: number;
  /** Average handle time per contact, seconds. */
  ahtSeconds: number;
  /** Agents on the phones (productive, i.e. after shrinkage); a whole number. */
  agents: number;
  /** Service-level threshold: answered within this many seconds counts as "in service level". */
  targetAnswerSeconds: number;
}

/** Steady-state performance of the interval. All numbers are finite except averageSpeedOfAnswer when unstable. */
export interface ErlangCResult {
  /** Offered load A = volume·aht/interval, in Erlangs. */
  trafficErlangs: number;
  /** Erlang C: probability an arriving contact waits at all. */
  probabilityOfWait: number;
  /** Share of contacts answered within targetAnswerSeconds. */
  serviceLevel: number;
  /** Mean wait before answer over all contacts (those not waiting count as 0), seconds. */
  averageSpeedOfAnswer: number;
  /** Agent utilisation A/N (1 when the queue is unstable, 0 with no agents and no traffic). */
  occupancy: number;
  /** False when agents ≤ traffic: no steady state exists, the queue grows for as long as the interval lasts. */
  stable: boolean;
}

/** Input for the inverse problem: the fewest agents that meet the targets. */
export interface RequiredAgentsInput {
  volume: number;
  intervalSeconds: number;
  ahtSeconds: number;
  /** Required share answered within targetAnswerSeconds, 0 <= x < 1 (1 is unreachable in Erlang C). */
  targetServiceLevel: number;
  targetAnswerSeconds: number;
  /** Occupancy cap A/N <= maxOccupancy, 0 < x <= 1; default 1 (no cap beyond stability). */
  maxOccupancy?: number;
  /** Share of paid time not available for contacts (breaks, training, absence), 0 <= x < 1; default 0. */
  shrinkage?: number;
}

/** The smallest productive head-count meeting the targets, its performance, and the head-count to schedule. */
export interface RequiredAgentsResult extends ErlangCResult {
  /** Productive agents needed (on the phones). */
  agents: number;
  /** agents grossed up for shrinkage: ceil(agents / (1 − shrinkage)). */
  scheduledAgents: number;
}

/** Relative slack for comparisons against targets, so 17/0.85 = 20.000000000000004 still counts as 20. */
export const TARGET_TOLERANCE = 1e-12;

/** Validated, derived quantities shared by erlangC and requiredAgents. */
interface Demand {
  traffic: number;
  aht: number;
  target: number;
}

/** Validates the demand fields once so erlangC and requiredAgents report errors identically. */
function readDemand(input: Record<string, unknown>): Demand {
  const volume = requireNonNegative('volume', input.volume);
  const interval = requirePositive('intervalSeconds', input.intervalSeconds);
  const aht = requirePositive('ahtSeconds', input.ahtSeconds);
  const target = requireNonNegative('targetAnswerSeconds', input.targetAnswerSeconds);
  return { traffic: (volume * aht) / interval, aht, target };
}

/** Erlang C metrics from an already computed Erlang B value, so searches can reuse the recursion. */
function metricsFromB(agents: number, d: Demand, b: number): ErlangCResult {
  const a = d.traffic;
  if (a === 0) {
    // No contacts: nobody waits. Reported as a perfect, idle interval rather than 0/0.
    return {
      trafficErlangs: 0,
      probabilityOfWait: 0,
      serviceLevel: 1,
      averageSpeedOfAnswer: 0,
      occupancy: 0,
      stable: true,
    };
  }
  if (agents <= a) {
    return {
      trafficErlangs: a,
      probabilityOfWait: 1,
      serviceLevel: 0,
      averageSpeedOfAnswer: Number.POSITIVE_INFINITY,
      occupancy: 1,
      stable: false,
    };
  }
  // C = N·B / (N − A(1 − B)): Erlang C from Erlang B without factorials (Cooper 1981, eq. 3.4.11).
  const pw = (agents * b) / (agents - a * (1 - b));
  const gap = agents - a;
  return {
    trafficErlangs: a,
    probabilityOfWait: pw,
    serviceLevel: 1 - pw * Math.exp((-gap * d.target) / d.aht),
    averageSpeedOfAnswer: (pw * d.aht) / gap,
    occupancy: a / agents,
    stable: true,
  };
}

/** Performance of a given head-count under Erlang C (steady state within the interval). */
export function erlangC(input: ErlangCInput): ErlangCResult {
  const obj = requireObject('input', input);
  const d = readDemand(obj);
  const agents = requireNonNegativeInteger('agents', obj.agents);
  return metricsFromB(agents, d, erlangB(agents, d.traffic));
}

/** Grosses productive agents up for shrinkage; the tolerance stops 21/0.7 = 30.000000000000004 rounding to 31. */
export function scheduledFromProductive(agents: number, shrinkage: number): number {
  if (agents === 0) return 0;
  const raw = agents / (1 - shrinkage);
  return Math.ceil(raw * (1 - TARGET_TOLERANCE));
}

/** Smallest N with A/N ≤ cap (and N > A for stability when the cap is 1), allowing for rounding. */
export function minimumAgentsForOccupancy(traffic: number, maxOccupancy: number): number {
  const byCap = Math.ceil((traffic / maxOccupancy) * (1 - TARGET_TOLERANCE));
  return Math.max(1, byCap, Math.floor(traffic) + 1);
}

/** Reads the optional planning parameters with their defaults. */
export function readPlanning(input: Record<string, unknown>): {
  targetServiceLevel: number;
  maxOccupancy: number;
  shrinkage: number;
} {
  const targetServiceLevel = requireFraction('targetServiceLevel', input.targetServiceLevel, {
    minInclusive: true,
    maxInclusive: false,
  });
  const maxOccupancy =
    input.maxOccupancy === undefined ? 1 : requireFraction('maxOccupancy', input.maxOccupancy, { minInclusive: false, maxInclusive: true });
  const shrinkage = input.shrinkage === undefined ? 0 : requireFraction('shrinkage', input.shrinkage, { minInclusive: true, maxInclusive: false });
  return { targetServiceLevel, maxOccupancy, shrinkage };
}

/**
 * Fewest agents meeting both the service-level target and the occupancy cap.
 * Searches upward from the occupancy/stability floor, extending the Erlang B recursion one agent at a
 * time, so the cost is O(N) even for thousands of agents. Service level rises monotonically with N above A.
 */
export function requiredAgents(input: RequiredAgentsInput): RequiredAgentsResult {
  const obj = requireObject('input', input);
  const d = readDemand(obj);
  const { targetServiceLevel, maxOccupancy, shrinkage } = readPlanning(obj);
  if (d.traffic === 0) {
    return { agents: 0, scheduledAgents: 0, ...metricsFromB(0, d, 1) };
  }
  let n = minimumAgentsForOccupancy(d.traffic, maxOccupancy);
  let b = erlangB(n, d.traffic);
  // SL → 1 as N grows, so this terminates; the cap only protects against pathological inputs.
  const limit = n + 100_000 + Math.ceil(100 * Math.sqrt(d.traffic));
  for (; n <= limit; n++) {
    const m = metricsFromB(n, d, b);
    if (m.stable && m.serviceLevel >= targetServiceLevel - TARGET_TOLERANCE) {
      return { agents: n, scheduledAgents: scheduledFromProductive(n, shrinkage), ...m };
    }
    b = erlangBNext(b, n + 1, d.traffic);
  }
  throw new RangeError(`targetServiceLevel ${targetServiceLevel} cannot be reached within ${limit} agents`);
}

// Re-exported so callers that only need blocking probabilities do not reach into the math module.
export { erlangB };
