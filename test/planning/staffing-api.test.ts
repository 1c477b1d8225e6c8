import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestApi, type TestApi } from '../support/test-api';

// The first textbook case of erlang-c.json: 100 contacts per 30 minutes, 180 s handle time, 80% in 20 s → 14 agents.
const textbook = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'forecasting', 'erlang-c.json'), 'utf8'))[0];

describe('staffing plan API', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
    // Two weeks of phone calls arriving at exactly 200 an hour, the textbook case's rate.
    await api.db.dataSource.query(`
      INSERT INTO tickets (external_id, channel, created_at)
      SELECT 'p' || extract(epoch FROM h)::bigint || '-' || k, 'phone', h + k * interval '17 seconds'
      FROM generate_series('2025-03-03T00:00:00Z'::timestamptz, '2025-03-16T23:00:00Z', interval '1 hour') h
      CROSS JOIN generate_series(0, 199) k`);
  });
  afterAll(async () => api?.close());

  const plan = (
    extra: string,
  ) => `{ staffingPlan(channel: PHONE, from: "2025-03-17T00:00:00Z", days: 1, historyDays: 14, ahtSeconds: ${textbook.input.ahtSeconds},
      intervalMinutes: 30, targetAnswerSeconds: ${textbook.input.targetAnswerSeconds}, maxOccupancy: 1 ${extra}) {
      model ahtSeconds ahtSource forecastModel note
      intervals { localStart contacts agents scheduledAgents serviceLevel averageSpeedOfAnswer occupancy }
      days { date contacts agentHours productiveAgentHours fte peakScheduledAgents } } }`;

  it('reproduces the textbook interval: 100 contacts of 180 s per half hour need 14 agents for 80% in 20 s', async () => {
    const res = await api.graphql(plan(`, targetServiceLevel: ${textbook.input.targetServiceLevel}, shrinkage: 0`));
    expect(res.errors).toBeUndefined();
    const p = res.data.staffingPlan;
    expect(p).toMatchObject({ model: 'erlang-c', ahtSeconds: 180, ahtSource: 'argument' });
    expect(p.intervals).toHaveLength(48);
    for (const i of p.intervals) {
      expect(i.contacts).toBeCloseTo(textbook.input.volume, 6);
      expect(i.agents).toBe(textbook.expected.agents);
      expect(i.serviceLevel).toBeCloseTo(textbook.expected.serviceLevel, 6);
    }
    expect(p.days).toEqual([
      expect.objectContaining({ date: '2025-03-17', agentHours: 48 * 14 * 0.5, fte: (48 * 14 * 0.5) / 8, peakScheduledAgents: 14 }),
    ]);
  });

  it('needs more agents for a stricter target and schedules more for higher shrinkage', async () => {
    const strict = (await api.graphql(plan(', targetServiceLevel: 0.95, shrinkage: 0'))).data.staffingPlan.intervals[0];
    const shrunk = (await api.graphql(plan(', targetServiceLevel: 0.8, shrinkage: 0.3'))).data.staffingPlan.intervals[0];
    expect(strict.agents).toBeGreaterThan(textbook.expected.agents);
    expect(shrunk.agents).toBe(textbook.expected.agents);
    expect(shrunk.scheduledAgents).toBe(Math.ceil(textbook.expected.agents / 0.7));
  });

  it('asks for a handle time when none was recorded', async () => {
    const res = await api.graphql(`{ staffingPlan(channel: PHONE, from: "2025-03-17T00:00:00Z", days: 1, historyDays: 14) { model } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'ahtSeconds' });
  });

  it.each([
    ['an interval of 20 minutes', 'intervalMinutes: 20', 'intervalMinutes'],
    ['a start off the hour', 'from: "2025-03-17T00:30:00Z"', 'from'],
    ['a shrinkage of 1', 'shrinkage: 1', 'shrinkage'],
    ['an unknown time zone', 'timezone: "Moon/Base"', 'timezone'],
  ])('rejects %s naming the argument', async (_what, arg, argument) => {
    const from = arg.startsWith('from') ? '' : 'from: "2025-03-17T00:00:00Z", ';
    const res = await api.graphql(`{ staffingPlan(channel: PHONE, ${from}ahtSeconds: 180, ${arg}) { model } }`);
    expect(res.errors?.[0]?.extensions?.argument).toBe(argument);
  });
});
