import { erlangA, requiredAgentsErlangA } from '../../forecasting/erlang-a';
import { erlangC } from '../../forecasting/erlang-c';
import { logGamma, logIncompleteGamma, normalCdf, normalQuantile } from '../../forecasting/staffing-math';
import cases from '../fixtures/forecasting/erlang-a.json';

const close = (actual: number, expected: number, tol = 1e-9) => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);
};

/**
 * Brute-force M/M/N+M, sharing no code or formula with the implementation: the birth–death stationary
 * distribution summed in log space, P(abandon) from Little's law (θ·E[queue]/λ), and the service level from
 * the tagged caller's absorbing chain (k callers ahead → served / abandoned) solved by uniformization.
 */
function bruteErlangA(input: {
  volume: number;
  intervalSeconds: number;
  ahtSeconds: number;
  patienceSeconds: number;
  agents: number;
  targetAnswerSeconds: number;
}) {
  const lambda = input.volume / input.intervalSeconds;
  const mu = 1 / input.ahtSeconds;
  const theta = 1 / input.patienceSeconds;
  const n = input.agents;
  const lnw: number[] = [0];
  for (let j = 1; j <= n; j++) lnw.push(lnw[j - 1] + Math.log(lambda / (j * mu)));
  for (let k = 1; ; k++) {
    lnw.push(lnw[n + k - 1] + Math.log(lambda / (n * mu + k * theta)));
    if (k > 50 && lnw[n + k] < Math.max(...lnw.slice(n)) - 60) break;
  }
  const max = Math.max(...lnw);
  const w = lnw.map((v) => Math.exp(v - max));
  const z = w.reduce((s, v) => s + v, 0);
  const pi = w.map((v) => v / z);
  const queue = pi.slice(n); // queue[k] = P(k waiting)
  const pw = queue.reduce((s, v) => s + v, 0);
  const eq = queue.reduce((s, v, k) => s + k * v, 0);
  const pab = (theta * eq) / lambda;

  // Tagged caller with k ahead: advances at n·μ + k·θ, abandons at θ.
  const K = queue.length;
  const T = input.targetAnswerSeconds;
  const rate = (k: number) => n * mu + k * theta;
  const big = rate(K) + theta;
  const lt = big * T;
  let h = new Array<number>(K).fill(0); // P(served within m uniformized jumps | k ahead)
  let served = 0;
  let lnPois = -lt; // m = 0
  const u = new Array<number>(K).fill(0);
  let cumulative = Math.exp(lnPois);
  for (let m = 1; m < 100000; m++) {
    const next = new Array<number>(K);
    for (let k = 0; k < K; k++) {
      const r = rate(k) / big;
      const stay = 1 - r - theta / big;
      next[k] = r * (k === 0 ? 1 : h[k - 1]) + stay * h[k];
    }
    h = next;
    lnPois += Math.log(lt / m);
    const p = Math.exp(lnPois);
    cumulative += p;
    for (let k = 0; k < K; k++) u[k] += p * h[k];
    if (m > lt && 1 - cumulative < 1e-15) break;
  }
  // Stopping once the remaining Poisson mass is < 1e-15 bounds the truncation error by the same amount.
  for (let k = 0; k < K; k++) served += queue[k] * u[k];
  const serviceLevel = 1 - pw + served;
  return {
    probabilityOfWait: pw,
    probabilityOfAbandon: pab,
    serviceLevel,
    averageSpeedOfAnswer: eq / lambda, // Little's law: mean time in queue over all arrivals
    occupancy: (lambda * (1 - pab)) / mu / n,
  };
}

describe('special functions', () => {
  test('logGamma against exact and published values', () => {
    close(logGamma(1), 0, 1e-14);
    close(logGamma(0.5), 0.5 * Math.log(Math.PI), 1e-14);
    close(logGamma(10), Math.log(362880), 1e-13);
    close(logGamma(3.7), Math.log(4.1706517837966), 1e-13);
    close(logGamma(1000), 5905.220423209181, 1e-9);
  });
  test('incomplete gamma against closed forms', () => {
    // P(1, x) = 1 − e^{−x}
    close(Math.exp(logIncompleteGamma(1, 0.3).lnP), 1 - Math.exp(-0.3), 1e-14);
    close(Math.exp(logIncompleteGamma(1, 5).lnQ) / Math.exp(-5), 1, 1e-13);
    // P(2, x) = 1 − (1 + x)e^{−x}, on both sides of the series / continued-fraction switch
    for (const x of [0.5, 2.9, 3.1, 10]) {
      close(Math.exp(logIncompleteGamma(2, x).lnQ), (1 + x) * Math.exp(-x), 1e-14);
    }
    // Large a, deep in the tail: stays finite and in range
    const big = logIncompleteGamma(5000, 4000);
    expect(Number.isFinite(big.lnP)).toBe(true);
    expect(big.lnP).toBeLessThan(-40);
    expect(big.lnQ).toBeLessThanOrEqual(0);
  });
  test('normal distribution', () => {
    close(normalCdf(1.959963984540054), 0.975, 1e-15);
    close(normalQuantile(0.975), 1.959963984540054, 1e-14);
    close(normalQuantile(0.9), 1.2815515655446004, 1e-14);
    close(normalQuantile(0.001), -3.090232306167813, 1e-13);
    close(normalQuantile(0.5), 0, 0);
  });
});

describe('erlangA reference fixtures (first case: pyworkforce test vector)', () => {
  for (const [i, c] of cases.entries()) {
    test(`case ${i}`, () => {
      const r = erlangA(c.input);
      close(r.probabilityOfWait, c.expected.probabilityOfWait);
      close(r.probabilityOfAbandon, c.expected.probabilityOfAbandon);
      close(r.serviceLevel, c.expected.serviceLevel);
      close(r.averageSpeedOfAnswer, c.expected.averageSpeedOfAnswer);
      close(r.occupancy, c.expected.occupancy);
    });
  }
});

describe('erlangA against a brute-force chain', () => {
  const scenarios = [
    { name: 'fixture case 1', volume: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 300, agents: 14, targetAnswerSeconds: 20 },
    // x ≥ a + 1: the continued-fraction branch (overloaded, 8 agents for 10 Erlangs)
    { name: 'overloaded', volume: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 300, agents: 8, targetAnswerSeconds: 20 },
    { name: 'impatient', volume: 200, intervalSeconds: 1800, ahtSeconds: 300, patienceSeconds: 30, agents: 30, targetAnswerSeconds: 10 },
    { name: 'long target', volume: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 60, agents: 11, targetAnswerSeconds: 600 },
    { name: 'one agent', volume: 5, intervalSeconds: 3600, ahtSeconds: 400, patienceSeconds: 200, agents: 1, targetAnswerSeconds: 60 },
  ];
  for (const s of scenarios) {
    test(s.name, () => {
      const r = erlangA(s);
      const b = bruteErlangA(s);
      close(r.probabilityOfWait, b.probabilityOfWait, 1e-11);
      close(r.probabilityOfAbandon, b.probabilityOfAbandon, 1e-11);
      close(r.serviceLevel, b.serviceLevel, 1e-10);
      close(r.averageSpeedOfAnswer, b.averageSpeedOfAnswer, 1e-8);
      close(r.occupancy, b.occupancy, 1e-11);
    });
  }

  test('3,000 agents (A = 2950): finite and equal to the brute force', () => {
    const s = { volume: 22125, intervalSeconds: 1800, ahtSeconds: 240, patienceSeconds: 120, agents: 3000, targetAnswerSeconds: 15 };
    const r = erlangA(s);
    for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
    close(r.trafficErlangs, 2950, 1e-9);
    const b = bruteErlangA(s);
    close(r.probabilityOfWait, b.probabilityOfWait, 1e-9);
    close(r.probabilityOfAbandon, b.probabilityOfAbandon, 1e-9);
    close(r.serviceLevel, b.serviceLevel, 1e-9);
    close(r.occupancy, b.occupancy, 1e-9);
  });

  test('3,000 agents heavily overloaded (A = 4000) stays finite: about a quarter abandon', () => {
    const s = { volume: 30000, intervalSeconds: 1800, ahtSeconds: 240, patienceSeconds: 120, agents: 3000, targetAnswerSeconds: 15 };
    const r = erlangA(s);
    for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
    const b = bruteErlangA(s);
    close(r.probabilityOfWait, b.probabilityOfWait, 1e-9);
    close(r.probabilityOfAbandon, b.probabilityOfAbandon, 1e-9);
    close(r.serviceLevel, b.serviceLevel, 1e-9);
    close(r.probabilityOfWait, 1, 1e-6);
    // Fluid limit: served = N·μ, so P(abandon) ≈ 1 − N/A = 0.25.
    close(r.probabilityOfAbandon, 0.25, 0.01);
    close(r.occupancy, 1, 0.01);
  });
});

describe('erlangA properties', () => {
  const base = { volume: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 300, agents: 12, targetAnswerSeconds: 20 };

  test('with an unlimited target every answered call is in service level: SL = 1 − P(abandon)', () => {
    const r = erlangA({ ...base, targetAnswerSeconds: 1e7 });
    close(r.serviceLevel, 1 - r.probabilityOfAbandon, 1e-12);
  });

  test('target 0: only calls that do not wait are in service level', () => {
    const r = erlangA({ ...base, targetAnswerSeconds: 0 });
    close(r.serviceLevel, 1 - r.probabilityOfWait, 1e-15);
  });

  test('very patient callers converge to Erlang C', () => {
    const a = erlangA({ ...base, patienceSeconds: 1e8 });
    const c = erlangC(base);
    close(a.probabilityOfWait, c.probabilityOfWait, 1e-5);
    close(a.serviceLevel, c.serviceLevel, 1e-5);
    close(a.probabilityOfAbandon, 0, 1e-5);
  });

  test('abandonment keeps N <= A stable', () => {
    const r = erlangA({ ...base, agents: 5 });
    expect(r.probabilityOfAbandon).toBeGreaterThan(0.4);
    expect(r.occupancy).toBeLessThan(1);
    expect(r.serviceLevel).toBeGreaterThan(0);
  });

  test('no agents: everyone abandons after one patience on average; no volume: nothing happens', () => {
    expect(erlangA({ ...base, agents: 0 })).toEqual({
      trafficErlangs: 10,
      probabilityOfWait: 1,
      probabilityOfAbandon: 1,
      serviceLevel: 0,
      averageSpeedOfAnswer: 300,
      occupancy: 0,
    });
    expect(erlangA({ ...base, volume: 0 })).toEqual({
      trafficErlangs: 0,
      probabilityOfWait: 0,
      probabilityOfAbandon: 0,
      serviceLevel: 1,
      averageSpeedOfAnswer: 0,
      occupancy: 0,
    });
  });

  test('errors name the argument', () => {
    expect(() => erlangA({ ...base, patienceSeconds: 0 })).toThrow('patienceSeconds must be > 0');
    expect(() => erlangA({ ...base, agents: -1 })).toThrow('agents must be >= 0');
    expect(() => erlangA({ ...base, targetAnswerSeconds: -5 })).toThrow('targetAnswerSeconds must be >= 0');
  });
});

describe('requiredAgentsErlangA', () => {
  const input = { volume: 100, intervalSeconds: 1800, ahtSeconds: 180, patienceSeconds: 300, targetServiceLevel: 0.9, targetAnswerSeconds: 20 };

  test('smallest head-count meeting the service level (fixture: 14 agents give 91.7%)', () => {
    const r = requiredAgentsErlangA(input);
    expect(r.agents).toBe(14);
    close(r.serviceLevel, cases[0].expected.serviceLevel);
    expect(erlangA({ ...input, agents: 13 }).serviceLevel).toBeLessThan(0.9);
  });

  test('abandonment cap can bind', () => {
    const r = requiredAgentsErlangA({ ...input, targetServiceLevel: 0.5, maxAbandonRate: 0.005 });
    expect(r.probabilityOfAbandon).toBeLessThanOrEqual(0.005);
    expect(erlangA({ ...input, agents: r.agents - 1 }).probabilityOfAbandon).toBeGreaterThan(0.005);
  });

  test('occupancy cap and shrinkage', () => {
    const r = requiredAgentsErlangA({ ...input, targetServiceLevel: 0.5, maxOccupancy: 0.6, shrinkage: 0.2 });
    expect(r.occupancy).toBeLessThanOrEqual(0.6);
    expect(erlangA({ ...input, agents: r.agents - 1 }).occupancy).toBeGreaterThan(0.6);
    expect(r.scheduledAgents).toBe(Math.ceil(r.agents / 0.8 - 1e-9));
  });

  test('large centre: finite and minimal', () => {
    const big = { ...input, volume: 22125, ahtSeconds: 240, patienceSeconds: 120, targetServiceLevel: 0.8, targetAnswerSeconds: 15 };
    const r = requiredAgentsErlangA(big);
    for (const v of Object.values(r)) expect(Number.isFinite(v)).toBe(true);
    expect(r.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(erlangA({ ...big, agents: r.agents - 1 }).serviceLevel).toBeLessThan(0.8);
  });

  test('zero volume and validation', () => {
    expect(requiredAgentsErlangA({ ...input, volume: 0 }).agents).toBe(0);
    expect(() => requiredAgentsErlangA({ ...input, maxAbandonRate: 1.5 })).toThrow('maxAbandonRate');
    expect(() => requiredAgentsErlangA({ ...input, targetServiceLevel: -0.1 })).toThrow('targetServiceLevel');
  });
});
