import { erlangC, requiredAgents } from '../../forecasting/erlang-c';
import { asyncWorkload, asyncWorkloadPlan, requiredChatAgents } from '../../forecasting/staffing';

describe('asyncWorkload (steady state)', () => {
  const email = { volume: 120, intervalSeconds: 3600, ahtSeconds: 300, responseTargetSeconds: 4 * 3600 };

  test('hand-checked: 120 emails/h × 5 min = 10 agent-equivalents', () => {
    expect(asyncWorkload(email)).toEqual({
      workloadErlangs: 10,
      agents: 10,
      scheduledAgents: 10,
      occupancy: 1,
      responseWindowIntervals: 4,
      shortResponseTarget: false,
    });
  });

  test('occupancy cap, shrinkage and concurrency', () => {
    // 10 / 0.8 = 12.5 → 13; 13 / (1 − 0.35) = 20 exactly (no float overshoot to 21).
    const r = asyncWorkload({ ...email, maxOccupancy: 0.8, shrinkage: 0.35 });
    expect(r.agents).toBe(13);
    expect(r.scheduledAgents).toBe(20);
    expect(r.occupancy).toBeCloseTo(10 / 13, 15);
    // Two threads at once halve the agent time: 5 / 0.8 = 6.25 → 7.
    expect(asyncWorkload({ ...email, maxOccupancy: 0.8, concurrency: 2 }).agents).toBe(7);
  });

  test('short response target is flagged; zero volume needs nobody', () => {
    expect(asyncWorkload({ ...email, responseTargetSeconds: 900 }).shortResponseTarget).toBe(true);
    expect(asyncWorkload({ ...email, responseTargetSeconds: 900 }).responseWindowIntervals).toBe(1);
    expect(asyncWorkload({ ...email, volume: 0 })).toMatchObject({ agents: 0, scheduledAgents: 0, occupancy: 0 });
  });

  test('errors name the argument', () => {
    expect(() => asyncWorkload({ ...email, responseTargetSeconds: 200 })).toThrow('responseTargetSeconds must be >= ahtSeconds');
    expect(() => asyncWorkload({ ...email, concurrency: 1.5 })).toThrow('concurrency must be an integer');
    expect(() => asyncWorkload({ ...email, concurrency: 0 })).toThrow('concurrency must be > 0');
    expect(() => asyncWorkload({ ...email, volume: -3 })).toThrow('volume must be >= 0');
    expect(() => asyncWorkload({ ...email, maxOccupancy: 1.2 })).toThrow('maxOccupancy');
  });
});

describe('asyncWorkloadPlan', () => {
  const hourly = { intervalSeconds: 3600, ahtSeconds: 360, responseTargetSeconds: 7200 };

  test('hand-checked: a burst of 100 items (10 agent-hours) is spread over the 2-hour window', () => {
    const r = asyncWorkloadPlan({ ...hourly, volumes: [100, 0, 0, 0] });
    expect(r.responseWindowIntervals).toBe(2);
    expect(r.intervals.map((i) => i.agents)).toEqual([5, 5, 0, 0]);
    expect(r.intervals.map((i) => i.plannedWorkloadErlangs)).toEqual([5, 5, 0, 0]);
    expect(r.intervals.map((i) => i.arrivingWorkloadErlangs)).toEqual([10, 0, 0, 0]);
    expect(r.intervals.map((i) => i.backlogEnd)).toEqual([50, 0, 0, 0]);
    expect(r.carriedBacklog).toBe(0);
  });

  test('constant volume reaches the steady-state answer after one window', () => {
    const r = asyncWorkloadPlan({ ...hourly, responseTargetSeconds: 3 * 3600, volumes: new Array(8).fill(60), maxOccupancy: 0.9 });
    const steady = asyncWorkload({ ...hourly, responseTargetSeconds: 3 * 3600, volume: 60, maxOccupancy: 0.9 });
    // 60 × 360 / 3600 = 6 Erlangs; warm-up 2, 4, then 6 / 0.9 → 7.
    expect(r.intervals.map((i) => i.agents)).toEqual([3, 5, 7, 7, 7, 7, 7, 7]);
    expect(steady.agents).toBe(7);
    // Work of the last two intervals is still inside its window: 2/3 of 60 + 1/3 of 60 items.
    expect(r.carriedBacklog).toBeCloseTo(60, 9);
  });

  test('every item is finished within its response window (FIFO on the planned capacity)', () => {
    const volumes = [5, 80, 10, 0, 200, 30, 30, 0, 0, 12];
    const m = 3;
    const r = asyncWorkloadPlan({ ...hourly, responseTargetSeconds: m * 3600 + 1200, volumes, initialBacklog: 20 });
    expect(r.responseWindowIntervals).toBe(m); // 3h20m rounds down to 3 whole intervals
    const work = volumes.map((v) => (v * 360) / 3600); // Erlang-hours per interval
    let capacity = 0;
    for (let i = 0; i < volumes.length; i++) {
      capacity += r.intervals[i].agents; // agent-hours available by the end of interval i
      // Everything that arrived by the end of interval i − m + 1 must be done by the end of interval i;
      // the initial backlog counts as arriving at time 0, so it is due by the end of interval m − 1.
      const due = (i >= m - 1 ? 20 * 0.1 : 0) + work.slice(0, Math.max(0, i - m + 2)).reduce((s, w) => s + w, 0);
      expect(capacity).toBeGreaterThanOrEqual(due - 1e-9);
      expect(r.intervals[i].backlogEnd).toBeGreaterThanOrEqual(0);
    }
  });

  test('validation', () => {
    expect(() => asyncWorkloadPlan({ ...hourly, volumes: [1, -1] })).toThrow('volumes[1] must be >= 0');
    expect(() => asyncWorkloadPlan({ ...hourly, volumes: 'x' as never })).toThrow('volumes must be an array');
    expect(() => asyncWorkloadPlan({ ...hourly, volumes: [1], initialBacklog: -2 })).toThrow('initialBacklog must be >= 0');
  });
});

describe('requiredChatAgents', () => {
  const chat = { volume: 300, intervalSeconds: 1800, ahtSeconds: 600, targetServiceLevel: 0.8, targetAnswerSeconds: 30 };

  test('concurrency 1 is plain Erlang C', () => {
    const r = requiredChatAgents({ ...chat, concurrency: 1 });
    const c = requiredAgents(chat);
    expect(r.agents).toBe(c.agents);
    expect(r.slots).toBe(c.agents);
    expect(r.serviceLevel).toBe(c.serviceLevel);
  });

  test('k slots per agent: agents = ceil(slots / k), metrics at agents × k slots', () => {
    // A = 300 × 600 / 1800 = 100 sessions in progress.
    const slotsNeeded = requiredAgents(chat).agents;
    const r = requiredChatAgents({ ...chat, concurrency: 3, shrinkage: 0.2 });
    expect(r.trafficErlangs).toBe(100);
    expect(r.agents).toBe(Math.ceil(slotsNeeded / 3));
    expect(r.slots).toBe(r.agents * 3);
    expect(r.serviceLevel).toBe(erlangC({ ...chat, agents: r.slots }).serviceLevel);
    expect(r.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(r.occupancy).toBeCloseTo(100 / r.slots, 15);
    expect(r.scheduledAgents).toBe(Math.ceil(r.agents / 0.8 - 1e-9));
  });

  test('validation', () => {
    expect(() => requiredChatAgents({ ...chat, concurrency: 0 })).toThrow('concurrency must be > 0');
    expect(() => requiredChatAgents({ ...chat, concurrency: 2, ahtSeconds: -1 })).toThrow('ahtSeconds must be > 0');
  });
});
