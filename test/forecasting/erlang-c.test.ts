import { erlangB, erlangC, requiredAgents } from '../../forecasting/erlang-c';
import cases from '../fixtures/forecasting/erlang-c.json';

const close = (actual: number, expected: number, tol = 1e-9) => {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tol);
};

/** Independent Erlang C: log-space sum of A^k/k!, no recursion shared with the implementation. */
function referenceErlangC(agents: number, traffic: number): number {
  const logTerms: number[] = [];
  let lnFact = 0;
  for (let k = 0; k <= agents; k++) {
    if (k > 0) lnFact += Math.log(k);
    logTerms.push(k * Math.log(traffic) - lnFact);
  }
  const lnLast = logTerms[agents] + Math.log(agents / (agents - traffic));
  const all = [...logTerms.slice(0, agents), lnLast];
  const max = Math.max(...all);
  const lnSum = max + Math.log(all.reduce((s, v) => s + Math.exp(v - max), 0));
  return Math.exp(lnLast - lnSum);
}

describe('erlangC reference fixtures', () => {
  for (const [i, c] of cases.entries()) {
    test(`case ${i}: requiredAgents reproduces the reference`, () => {
      const r = requiredAgents(c.input);
      expect(r.agents).toBe(c.expected.agents);
      expect(r.scheduledAgents).toBe(c.expected.scheduledAgents);
      close(r.trafficErlangs, c.expected.trafficErlangs);
      close(r.probabilityOfWait, c.expected.probabilityOfWait);
      close(r.serviceLevel, c.expected.serviceLevel);
      close(r.averageSpeedOfAnswer, c.expected.averageSpeedOfAnswer);
      close(r.occupancy, c.expected.occupancy);
      expect(r.stable).toBe(true);
    });
    test(`case ${i}: erlangC at each listed head-count`, () => {
      for (const [n, e] of Object.entries(c.atAgents)) {
        const r = erlangC({ ...c.input, agents: Number(n) });
        close(r.trafficErlangs, e.trafficErlangs);
        close(r.probabilityOfWait, e.probabilityOfWait);
        close(r.serviceLevel, e.serviceLevel);
        close(r.averageSpeedOfAnswer, e.averageSpeedOfAnswer);
        close(r.occupancy, e.occupancy);
      }
    });
  }
});

describe('erlangC hand-checked values', () => {
  test('Erlang B small cases', () => {
    close(erlangB(0, 3), 1, 0);
    close(erlangB(1, 2), 2 / 3, 1e-15);
    // B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2
    close(erlangB(2, 1), 0.2, 1e-15);
  });

  test('two agents, one Erlang: C = 1/3', () => {
    // A^N/N! · N/(N−A) = 1/2 · 2 = 1; Σ_{k<N} A^k/k! = 2 → C = 1/(2+1).
    const r = erlangC({ volume: 10, intervalSeconds: 1000, ahtSeconds: 100, agents: 2, targetAnswerSeconds: 50 });
    close(r.trafficErlangs, 1, 1e-15);
    close(r.probabilityOfWait, 1 / 3, 1e-15);
    close(r.serviceLevel, 1 - Math.exp(-0.5) / 3, 1e-15);
    close(r.averageSpeedOfAnswer, 100 / 3, 1e-12);
    close(r.occupancy, 0.5, 1e-15);
  });

  test('target of 0 seconds: service level = 1 − P(wait)', () => {
    const r = erlangC({ volume: 100, intervalSeconds: 1800, ahtSeconds: 180, agents: 13, targetAnswerSeconds: 0 });
    close(r.serviceLevel, 1 - r.probabilityOfWait, 1e-15);
  });

  test('service level rises and wait falls with every extra agent', () => {
    let prev = erlangC({ volume: 360, intervalSeconds: 3600, ahtSeconds: 240, agents: 25, targetAnswerSeconds: 20 });
    for (let n = 26; n < 45; n++) {
      const r = erlangC({ volume: 360, intervalSeconds: 3600, ahtSeconds: 240, agents: n, targetAnswerSeconds: 20 });
      expect(r.serviceLevel).toBeGreaterThan(prev.serviceLevel);
      expect(r.probabilityOfWait).toBeLessThan(prev.probabilityOfWait);
      expect(r.averageSpeedOfAnswer).toBeLessThan(prev.averageSpeedOfAnswer);
      prev = r;
    }
  });

  test('unstable queue (agents <= traffic) is flagged', () => {
    for (const agents of [0, 5, 10]) {
      const r = erlangC({ volume: 100, intervalSeconds: 1800, ahtSeconds: 180, agents, targetAnswerSeconds: 20 });
      expect(r).toEqual({
        trafficErlangs: 10,
        probabilityOfWait: 1,
        serviceLevel: 0,
        averageSpeedOfAnswer: Infinity,
        occupancy: 1,
        stable: false,
      });
    }
  });

  test('no volume: nobody waits', () => {
    const r = erlangC({ volume: 0, intervalSeconds: 1800, ahtSeconds: 180, agents: 0, targetAnswerSeconds: 20 });
    expect(r).toEqual({ trafficErlangs: 0, probabilityOfWait: 0, serviceLevel: 1, averageSpeedOfAnswer: 0, occupancy: 0, stable: true });
    const req = requiredAgents({ volume: 0, intervalSeconds: 1800, ahtSeconds: 180, targetServiceLevel: 0.8, targetAnswerSeconds: 20 });
    expect(req.agents).toBe(0);
    expect(req.scheduledAgents).toBe(0);
  });
});

describe('requiredAgents', () => {
  test('is the smallest head-count meeting the service level', () => {
    const input = { volume: 1234, intervalSeconds: 1800, ahtSeconds: 271, targetServiceLevel: 0.85, targetAnswerSeconds: 15 };
    const r = requiredAgents(input);
    expect(r.serviceLevel).toBeGreaterThanOrEqual(0.85);
    const below = erlangC({ ...input, agents: r.agents - 1 });
    expect(below.serviceLevel).toBeLessThan(0.85);
  });

  test('occupancy cap binds without floating-point overshoot (17 Erlangs at 85% → 20 agents)', () => {
    const r = requiredAgents({
      volume: 17,
      intervalSeconds: 3600,
      ahtSeconds: 3600,
      targetServiceLevel: 0.1,
      targetAnswerSeconds: 20,
      maxOccupancy: 0.85,
    });
    expect(r.agents).toBe(20);
    close(r.occupancy, 0.85, 1e-15);
  });

  test('shrinkage gross-up is exact when the ratio is whole (21 at 30% → 30)', () => {
    // Find an input needing 21 agents, then check the gross-up.
    const input = { volume: 50, intervalSeconds: 900, ahtSeconds: 300, targetServiceLevel: 0.8, targetAnswerSeconds: 30, shrinkage: 0.3 };
    const r = requiredAgents(input);
    expect(r.agents).toBe(21);
    expect(r.scheduledAgents).toBe(30);
  });

  test('3,000-agent interval: finite, sensible and matching an independent log-space Erlang C', () => {
    // A = 20,000 · 270 / 1800 = 3000 Erlangs.
    const input = { volume: 20000, intervalSeconds: 1800, ahtSeconds: 270, targetServiceLevel: 0.9, targetAnswerSeconds: 20, shrinkage: 0.25 };
    const r = requiredAgents(input);
    for (const v of Object.values(r)) {
      if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
    }
    expect(r.trafficErlangs).toBeCloseTo(3000, 9);
    // Square-root staffing: N ≈ A + β√A; a 20 s target on a 270 s AHT needs only β ≈ 0.4 here
    // (Halfin–Whitt: P(wait) ≈ 1/(1 + βΦ(β)/φ(β)) ≈ 0.55 at β = 0.44, and SL = 1 − 0.55·e^{−24·20/270} ≈ 0.9).
    expect(r.agents).toBe(3024);
    const referenceSl = (n: number) => 1 - referenceErlangC(n, 3000) * Math.exp((-(n - 3000) * 20) / 270);
    expect(referenceSl(3024)).toBeGreaterThanOrEqual(0.9);
    expect(referenceSl(3023)).toBeLessThan(0.9);
    expect(r.agents).toBeGreaterThan(3000 + 0.2 * Math.sqrt(3000));
    expect(r.agents).toBeLessThan(3000 + 3 * Math.sqrt(3000));
    expect(r.serviceLevel).toBeGreaterThanOrEqual(0.9);
    expect(erlangC({ ...input, agents: r.agents - 1 }).serviceLevel).toBeLessThan(0.9);
    close(r.probabilityOfWait, referenceErlangC(r.agents, 3000), 1e-11);
    expect(r.scheduledAgents).toBe(Math.ceil(r.agents / 0.75));
  });

  test('errors name the argument', () => {
    const ok = { volume: 100, intervalSeconds: 1800, ahtSeconds: 180, targetServiceLevel: 0.8, targetAnswerSeconds: 20 };
    expect(() => requiredAgents({ ...ok, ahtSeconds: 0 })).toThrow('ahtSeconds must be > 0');
    expect(() => requiredAgents({ ...ok, intervalSeconds: -1 })).toThrow('intervalSeconds must be > 0');
    expect(() => requiredAgents({ ...ok, volume: -1 })).toThrow('volume must be >= 0');
    expect(() => requiredAgents({ ...ok, volume: NaN })).toThrow('volume must be a number');
    expect(() => requiredAgents({ ...ok, targetAnswerSeconds: Infinity })).toThrow('targetAnswerSeconds must be finite');
    expect(() => requiredAgents({ ...ok, targetServiceLevel: 1 })).toThrow('targetServiceLevel');
    expect(() => requiredAgents({ ...ok, maxOccupancy: 0 })).toThrow('maxOccupancy');
    expect(() => requiredAgents({ ...ok, shrinkage: 1 })).toThrow('shrinkage');
    expect(() => erlangC({ volume: 1, intervalSeconds: 1, ahtSeconds: 1, targetAnswerSeconds: 1, agents: 2.5 })).toThrow('agents must be an integer');
    expect(() => erlangC(null as never)).toThrow('input must be an object');
  });
});
