import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { carryClosedContacts } from '../../src/planning/staffing-calendar';
import { planOpenStaffing, planStaffing } from '../../src/planning/staffing-plan';

interface ErlangCCase {
  input: {
    volume: number;
    intervalSeconds: number;
    ahtSeconds: number;
    targetServiceLevel: number;
    targetAnswerSeconds: number;
    maxOccupancy: number;
    shrinkage: number;
  };
  expected: { agents: number; scheduledAgents: number; serviceLevel: number; averageSpeedOfAnswer: number; occupancy: number };
}
const cases: ErlangCCase[] = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'forecasting', 'erlang-c.json'), 'utf8'));

describe('planStaffing', () => {
  it.each(cases.map((c) => [c.input.volume, c.input.ahtSeconds, c.expected.agents, c]))(
    'staffs %d contacts of %d s per interval with %d agents (textbook Erlang C)',
    (_v, _a, _n, c) => {
      const [interval] = planStaffing([c.input.volume], 'erlang-c', c.input);
      expect(interval.agents).toBe(c.expected.agents);
      expect(interval.scheduledAgents).toBe(c.expected.scheduledAgents);
      expect(interval.serviceLevel).toBeCloseTo(c.expected.serviceLevel, 9);
      expect(interval.averageSpeedOfAnswer).toBeCloseTo(c.expected.averageSpeedOfAnswer, 9);
    },
  );

  const base = { intervalSeconds: 1800, ahtSeconds: 180, targetServiceLevel: 0.8, targetAnswerSeconds: 20, maxOccupancy: 1, shrinkage: 0 };

  it('needs fewer agents when callers abandon (Erlang A) than when they wait forever', () => {
    const [c] = planStaffing([100], 'erlang-c', base);
    const [a] = planStaffing([100], 'erlang-a', { ...base, patienceSeconds: 60 });
    expect(a.agents).toBeLessThanOrEqual(c.agents);
    expect(a.abandonRate).toBeGreaterThan(0);
  });

  it('staffs chat with concurrent sessions on fewer agents', () => {
    const [one] = planStaffing([100], 'chat', { ...base, concurrency: 1 });
    const [three] = planStaffing([100], 'chat', { ...base, concurrency: 3 });
    expect(three.agents).toBeLessThan(one.agents);
  });

  it('spreads asynchronous work over the response target', () => {
    const plan = planStaffing([100, 0, 0, 0], 'workload', { ...base, responseTargetSeconds: 4 * 1800 });
    expect(plan[0].serviceLevel).toBeNull();
    const agentSeconds = plan.reduce((s, i) => s + i.agents * 1800, 0);
    expect(agentSeconds).toBeGreaterThanOrEqual(100 * 180); // all the work gets done
    expect(Math.max(...plan.map((i) => i.agents))).toBeLessThan(Math.ceil((100 * 180) / 1800)); // not all in the first interval
  });

  it('spreads asynchronous work over open intervals only, as one sequence across a closed night', () => {
    const open = [true, true, false, false, true, true];
    const plan = planOpenStaffing([100, 0, 0, 0, 0, 0], open, 'workload', { ...base, responseTargetSeconds: 4 * 1800 });
    expect(plan.filter((_, k) => !open[k]).every((i) => i.agents === 0 && i.scheduledAgents === 0 && i.occupancy === 0)).toBe(true);
    // The same work as four consecutive open intervals, the night left out.
    const consecutive = planStaffing([100, 0, 0, 0], 'workload', { ...base, responseTargetSeconds: 4 * 1800 });
    expect(plan.filter((_, k) => open[k]).map((i) => i.agents)).toEqual(consecutive.map((i) => i.agents));
  });

  it('carries closed arrivals into the next open interval, and after the last opening beyond the plan', () => {
    const carried = carryClosedContacts([1, 2, 3, 4, 5, 6], [false, true, false, false, true, false], 10);
    expect(carried).toEqual({ contacts: [0, 13, 0, 0, 12, 0], carried: [0, 11, 0, 0, 7, 0], carriedBeyondPlan: 6 });
    expect(carryClosedContacts([1, 2], [false, false], 3)).toEqual({ contacts: [0, 0], carried: [0, 0], carriedBeyondPlan: 6 });
  });
});
