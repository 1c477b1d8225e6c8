/**
 * Erlang A (M/M/N+M): Poisson arrivals, exponential handle times, exponential patience (Palm 1946;
 * Garnett, Mandelbaum & Reiman 2002; formulas as in Mandelbaum & Zeltyn 2007, "The M/M/n+G queue:
 * summary of performance measures", specialised to exponential patience).
 */
import { erlangB, erlangBNext, logGamma, logIncompleteGamma } from './staffing-math';
import { minimumAgentsForOccupancy, readPlanning, scheduledFromProductive, TARGET_TOLERANCE } from './erlang-c';
import { requireFraction, requireNonNegative, requireNonNegativeInteger, requireObject, requirePositive } from './staffing-validation';

/** One interval's demand, the callers' mean patience, and a given head-count. */
export interface ErlangAInput {
  volume: number;
  intervalSeconds: number;
  ahtSeconds: number;
  /** Mean time a caller is willing to wait before hanging up (exponentially distributed), seconds. */
  patienceSeconds: number;
  /** Productive agents; a whole number. */
  agents: number;
  targetAnswerSeconds: number;
}

/** Steady-state performance; always defined (abandonment keeps the queue stable), all numbers finite. */
export interface ErlangAResult {
  /** Offered load A = volume·aht/interval, Erlangs. */
  trafficErlangs: number;
  /** Probability an arriving contact has to queue. */
  probabilityOfWait: number;
  /** Probability an arriving contact hangs up before being answered. */
  probabilityOfAbandon: number;
  /** Share of ALL contacts answered within targetAnswerSeconds; abandoned contacts count as not answered. */
  serviceLevel: number;
  /**
   * Mean time in queue over all contacts, including the time abandoners waited before leaving
   * (= probabilityOfAbandon × patienceSeconds by Little's law). This is the convention of the reference
   * vectors; the mean wait of answered contacts only would be smaller.
   */
  averageSpeedOfAnswer: number;
  /** Carried load per agent: A·(1 − P(abandon)) / N; abandoned contacts take no agent time. */
  occupancy: number;
}

/** Inverse problem for Erlang A. */
export interface RequiredAgentsErlangAInput {
  volume: number;
  intervalSeconds: number;
  ahtSeconds: number;
  patienceSeconds: number;
  /** Required share of all contacts answered within targetAnswerSeconds, 0 <= x < 1. */
  targetServiceLevel: number;
  targetAnswerSeconds: number;
  /** Cap on carried-load occupancy, 0 < x <= 1; default 1. */
  maxOccupancy?: number;
  /** 0 <= x < 1; default 0. */
  shrinkage?: number;
  /** Optional cap on the abandonment probability, 0 <= x <= 1. */
  maxAbandonRate?: number;
}

/** The smallest head-count meeting every target, its performance, and the head-count to schedule. */
export interface RequiredAgentsErlangAResult extends ErlangAResult {
  agents: number;
  scheduledAgents: number;
}

interface Params {
  traffic: number; // A = λ/μ
  x: number; // λ/θ
  ahtOverPatience: number; // θ/μ, so a = N·μ/θ = N / ahtOverPatience
  patience: number;
  aht: number;
  target: number;
}

/** Validates inputs and converts them to the rates the Erlang A formulas are written in. */
function readParams(obj: Record<string, unknown>): Params {
  const volume = requireNonNegative('volume', obj.volume);
  const interval = requirePositive('intervalSeconds', obj.intervalSeconds);
  const aht = requirePositive('ahtSeconds', obj.ahtSeconds);
  const patience = requirePositive('patienceSeconds', obj.patienceSeconds);
  const target = requireNonNegative('targetAnswerSeconds', obj.targetAnswerSeconds);
  const rate = volume / interval;
  return {
    traffic: rate * aht,
    x: rate * patience,
    ahtOverPatience: aht / patience,
    patience,
    aht,
    target,
  };
}

/**
 * Performance for N agents given Erlang B for N. With a = Nμ/θ and x = λ/θ the queue part of the
 * stationary distribution sums to J = Σ_k Π_{i≤k} x/(a+i) = e^x x^{−a} Γ(a+1) P(a,x) (Mandelbaum & Zeltyn's
 * J function), and everything else follows from B, J and incomplete gammas, all kept in log space.
 */
function metricsFromB(n: number, p: Params, b: number): ErlangAResult {
  const A = p.traffic;
  if (A === 0) {
    return {
      trafficErlangs: 0,
      probabilityOfWait: 0,
      probabilityOfAbandon: 0,
      serviceLevel: 1,
      averageSpeedOfAnswer: 0,
      occupancy: 0,
    };
  }
  if (n === 0) {
    // Everyone queues and everyone eventually leaves; each waits one patience on average.
    return {
      trafficErlangs: A,
      probabilityOfWait: 1,
      probabilityOfAbandon: 1,
      serviceLevel: 0,
      averageSpeedOfAnswer: p.patience,
      occupancy: 0,
    };
  }
  const x = p.x;
  const a = n / p.ahtOverPatience;

  // ln J and P(abandon | wait). Below the gamma's transition point the series for J is summed directly
  // together with Σ k·t_k, which gives P(ab | wait) = Σk·t_k / (x·J) without the cancellation in
  // Mandelbaum & Zeltyn's closed form 1 − 1/ρ + 1/(ρJ) (ρ = x/a), which is used only above it (ρ > 1).
  let lnJ: number;
  let abandonGivenWait: number;
  if (x < a + 1) {
    let term = 1;
    let s0 = 1;
    let s1 = 0;
    for (let k = 1; ; k++) {
      term *= x / (a + k);
      s0 += term;
      s1 += k * term;
      if (term * k <= s1 * 1e-17 && term <= s0 * 1e-17) break;
      if (k > 10_000_000) throw new Error('erlangA: series did not converge');
    }
    lnJ = Math.log(s0);
    abandonGivenWait = s1 / (x * s0);
  } else {
    const { lnP } = logIncompleteGamma(a, x);
    lnJ = x - a * Math.log(x) + logGamma(a + 1) + lnP;
    abandonGivenWait = 1 - a / x + (a / x) * Math.exp(-lnJ);
  }

  // P(wait) = B·J / (1 − B + B·J), evaluated as 1 / (1 + (1 − B)/(B·J)) so a huge J cannot overflow.
  const probabilityOfWait = b === 0 ? 0 : 1 / (1 + Math.exp(Math.log1p(-b) - Math.log(b) - lnJ));
  const probabilityOfAbandon = probabilityOfWait * abandonGivenWait;

  // An arrival that finds k queued is served after V = Σ_{j=0..k} Exp((a+j)θ), and e^{−θV} ~ Beta(a, k+1);
  // it is answered in time if V ≤ T and its own patience exceeds V. Summing over k (PASTA):
  // P(answered ≤ T | wait) = (a/x)·[P(a+1,x) − P(a+1,x·e^{−θT})] / P(a,x).
  let answeredInTimeGivenWait = 0;
  if (p.target > 0 && probabilityOfWait > 0) {
    const c = Math.exp(-p.target / p.patience);
    const lnPa = logIncompleteGamma(a, x).lnP;
    const lnPa1 = logIncompleteGamma(a + 1, x).lnP;
    const lnPa1c = logIncompleteGamma(a + 1, x * c).lnP;
    const gap = lnPa1c === -Infinity ? 1 : -Math.expm1(lnPa1c - lnPa1);
    answeredInTimeGivenWait = (a / x) * Math.exp(lnPa1 - lnPa) * gap;
  }
  const serviceLevel = 1 - probabilityOfWait + probabilityOfWait * answeredInTimeGivenWait;

  return {
    trafficErlangs: A,
    probabilityOfWait,
    probabilityOfAbandon,
    serviceLevel,
    averageSpeedOfAnswer: probabilityOfAbandon * p.patience,
    occupancy: (A * (1 - probabilityOfAbandon)) / n,
  };
}

/** Performance of a given head-count when callers abandon (Erlang A); stable for any N, including N ≤ A. */
export function erlangA(input: ErlangAInput): ErlangAResult {
  const obj = requireObject('input', input);
  const p = readParams(obj);
  const agents = requireNonNegativeInteger('agents', obj.agents);
  return metricsFromB(agents, p, erlangB(agents, p.traffic));
}

/**
 * Fewest agents meeting the service-level target, the occupancy cap and (optionally) the abandonment cap.
 * Scans N upward from 1 extending Erlang B incrementally, so it finds the smallest feasible N even where
 * the metrics are not monotone; the cost is O(N·√a) and fine for thousands of agents.
 */
export function requiredAgentsErlangA(input: RequiredAgentsErlangAInput): RequiredAgentsErlangAResult {
  const obj = requireObject('input', input);
  const p = readParams(obj);
  const { targetServiceLevel, maxOccupancy, shrinkage } = readPlanning(obj);
  const maxAbandonRate =
    obj.maxAbandonRate === undefined ? 1 : requireFraction('maxAbandonRate', obj.maxAbandonRate, { minInclusive: true, maxInclusive: true });
  if (p.traffic === 0) {
    return { agents: 0, scheduledAgents: 0, ...metricsFromB(0, p, 1) };
  }
  // Unlike Erlang C there is no stability floor (abandonment keeps N ≤ A stable), so start at 1.
  let n = 1;
  let b = erlangB(1, p.traffic);
  const limit = minimumAgentsForOccupancy(p.traffic, maxOccupancy) + 100_000 + Math.ceil(100 * Math.sqrt(p.traffic));
  for (; n <= limit; n++) {
    const m = metricsFromB(n, p, b);
    if (
      m.serviceLevel >= targetServiceLevel - TARGET_TOLERANCE &&
      m.occupancy <= maxOccupancy * (1 + TARGET_TOLERANCE) &&
      m.probabilityOfAbandon <= maxAbandonRate + TARGET_TOLERANCE
    ) {
      return { agents: n, scheduledAgents: scheduledFromProductive(n, shrinkage), ...m };
    }
    b = erlangBNext(b, n + 1, p.traffic);
  }
  throw new RangeError(`targets cannot be reached within ${limit} agents`);
}
