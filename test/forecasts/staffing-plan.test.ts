import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { planStaffing } from '../../src/forecasts/staffing-plan';

interface ErlangCCase {
  input: { volume: number; intervalSeconds: number; ahtSeconds: number; targetServiceLevel: number; targetAnswerSeconds: number; maxOccupancy: number; shrinkage: number };
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
});
