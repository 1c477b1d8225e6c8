import { hourlyArrivalsSql } from '../support/hourly-arrivals';
import { startTestApi, type TestApi } from '../support/test-api';

// Eight weeks of hourly chat arrivals with a daily shape (busy mid-day), quiet weekends and deterministic noise, from Monday 6 January 2025.
const SEED_CHAT = hourlyArrivalsSql({ prefix: 'c', channel: 'chat', product: "'api'" });

const INTERVAL = 'start localStart contacts agents scheduledAgents serviceLevel averageSpeedOfAnswer occupancy abandonRate';
const PLAN = `days { date contacts agentHours productiveAgentHours fte peakScheduledAgents } totals { contacts agentHours fte peakScheduledAgents serviceLevel }`;
const staffing = (args: string, withScenario: boolean) => `{ staffingPlan(channel: CHAT, from: "2025-03-03T00:00:00Z", days: 7, historyDays: 56,
    ahtSeconds: 300, intervalMinutes: 30 ${args}) {
    channel model ahtSeconds ahtSource patienceSeconds measuredAbandonmentRate forecastModel note
    forecastAccuracy { mase smape mae coverage80 coverage95 seasonalNaiveMase origins }
    intervals { ${INTERVAL} } ${PLAN}
    ${withScenario ? `scenario { intervals { ${INTERVAL} } ${PLAN} }` : ''} } }`;

const volume = (args: string, withScenario: boolean, granularity = 'DAY', horizon = 14) => `{ ticketVolumeForecast(
    history: { from: "2025-01-06T00:00:00Z", to: "2025-03-03T00:00:00Z" }, granularity: ${granularity}, horizon: ${horizon}, channel: [CHAT] ${args}) {
    history { localStart value } forecast { start localStart value intervals { level lower upper } } model modelDescription note
    accuracy { mase smape coverage80 coverage95 origins }
    ${withScenario ? 'scenario { total baselineTotal forecast { start localStart value intervals { level lower upper } } }' : ''} } }`;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('volume scenarios', () => {
  let api: TestApi;
  beforeAll(async () => {
    // No cache: the plan without adjustment is computed again, not read back from the scenario's request.
    api = await startTestApi({ FORECAST_CACHE_ENTRIES: 0, RATE_LIMIT_BURST_COST: 1_000_000 });
    await api.db.dataSource.query(SEED_CHAT);
  });
  afterAll(async () => api?.close());

  it('plans +20% chat volume with more agents, beside a baseline equal to the plan without adjustment', async () => {
    const withAdjustment = await api.graphql(staffing(', adjustment: { multiplier: 1.2 }', true));
    expect(withAdjustment.errors).toBeUndefined();
    const without = await api.graphql(staffing('', false));
    expect(without.errors).toBeUndefined();
    const { scenario, ...baseline } = withAdjustment.data.staffingPlan;
    expect(baseline).toEqual(without.data.staffingPlan);

    expect(scenario.intervals).toHaveLength(baseline.intervals.length);
    scenario.intervals.forEach((s: any, i: number) => {
      const b = baseline.intervals[i];
      expect(s.start).toBe(b.start);
      expect(s.contacts).toBeCloseTo(b.contacts * 1.2, 9);
      expect(s.agents).toBeGreaterThanOrEqual(b.agents);
      // Each plan meets the target wherever contacts are expected.
      if (s.contacts > 0.5) expect(s.serviceLevel).toBeGreaterThanOrEqual(0.8);
    });
    expect(sum(scenario.intervals.map((i: any) => i.agents))).toBeGreaterThan(sum(baseline.intervals.map((i: any) => i.agents)));
    expect(scenario.totals.contacts).toBeCloseTo(baseline.totals.contacts * 1.2, 6);
    expect(scenario.totals.agentHours).toBeGreaterThan(baseline.totals.agentHours);
    expect(scenario.totals.fte).toBeGreaterThan(baseline.totals.fte);
    expect(scenario.totals.fte).toBeCloseTo(scenario.totals.agentHours / 8 / 7, 9);
    expect(scenario.totals.serviceLevel).toBeGreaterThanOrEqual(0.8);
    expect(scenario.days.map((d: any) => d.date)).toEqual(baseline.days.map((d: any) => d.date));
    expect(sum(scenario.days.map((d: any) => d.agentHours))).toBeCloseTo(scenario.totals.agentHours, 9);
  });

  it('overrides single days with a volume or a multiplier of their own', async () => {
    const res = await api.graphql(
      staffing(`, adjustment: { multiplier: 1.2, days: [{ date: "2025-03-04", volume: 500 }, { date: "2025-03-05", multiplier: 0 }] }`, true),
    );
    expect(res.errors).toBeUndefined();
    const { days, scenario } = res.data.staffingPlan;
    const day = (plan: any, date: string) => plan.days.find((d: any) => d.date === date);
    expect(day(scenario, '2025-03-04').contacts).toBeCloseTo(500, 6);
    expect(day(scenario, '2025-03-05')).toMatchObject({ contacts: 0, agentHours: 0 });
    expect(day(scenario, '2025-03-06').contacts).toBeCloseTo(day({ days }, '2025-03-06').contacts * 1.2, 6);
    // The day's volume keeps the baseline's shape over its intervals.
    const intervals = (plan: any) => plan.intervals.filter((i: any) => i.localStart.startsWith('2025-03-04'));
    const ratio = 500 / day({ days }, '2025-03-04').contacts;
    intervals(scenario).forEach((s: any, k: number) => expect(s.contacts).toBeCloseTo(intervals(res.data.staffingPlan)[k].contacts * ratio, 9));
  });

  it('forecasts +20% beside a baseline equal to the forecast without adjustment, with intervals scaled alike', async () => {
    const withAdjustment = await api.graphql(volume(', adjustment: { multiplier: 1.2 }', true));
    expect(withAdjustment.errors).toBeUndefined();
    const without = await api.graphql(volume('', false));
    const { scenario, ...baseline } = withAdjustment.data.ticketVolumeForecast;
    expect(baseline).toEqual(without.data.ticketVolumeForecast);
    scenario.forecast.forEach((s: any, i: number) => {
      const b = baseline.forecast[i];
      expect(s.localStart).toBe(b.localStart);
      expect(s.value).toBeCloseTo(b.value * 1.2, 9);
      s.intervals.forEach((iv: any, k: number) => {
        expect(iv.level).toBe(b.intervals[k].level);
        expect(iv.lower).toBeCloseTo(b.intervals[k].lower * 1.2, 9);
        expect(iv.upper).toBeCloseTo(b.intervals[k].upper * 1.2, 9);
      });
    });
    expect(scenario.total).toBeCloseTo(scenario.baselineTotal * 1.2, 6);
    expect(scenario.baselineTotal).toBeCloseTo(sum(baseline.forecast.map((p: any) => p.value)), 6);
  });

  it('sets a day of an hourly forecast to a volume spread in the baseline shape', async () => {
    const res = await api.graphql(volume(`, adjustment: { days: [{ date: "2025-03-04", volume: 300 }] }`, true, 'HOUR', 72));
    expect(res.errors).toBeUndefined();
    const { forecast, scenario } = res.data.ticketVolumeForecast;
    const onDay = (points: any[]) => points.filter((p) => p.localStart.startsWith('2025-03-04'));
    expect(sum(onDay(scenario.forecast).map((p) => p.value))).toBeCloseTo(300, 6);
    // Other days are left as they are (no overall multiplier).
    scenario.forecast.forEach((p: any, i: number) => {
      if (!p.localStart.startsWith('2025-03-04')) expect(p.value).toBe(forecast[i].value);
    });
  });

  it.each([
    ['an empty adjustment', 'adjustment: {}', 'adjustment'],
    ['a negative multiplier', 'adjustment: { multiplier: -1 }', 'adjustment.multiplier'],
    ['a malformed date', 'adjustment: { days: [{ date: "2025-02-30", multiplier: 2 }] }', 'adjustment.days[0].date'],
    ['a date outside the plan', 'adjustment: { days: [{ date: "2025-04-01", multiplier: 2 }] }', 'adjustment.days[0].date'],
    ['a day with both a multiplier and a volume', 'adjustment: { days: [{ date: "2025-03-04", multiplier: 2, volume: 10 }] }', 'adjustment.days[0]'],
    ['a day with neither', 'adjustment: { days: [{ date: "2025-03-04" }] }', 'adjustment.days[0]'],
    [
      'a date given twice',
      'adjustment: { days: [{ date: "2025-03-04", multiplier: 2 }, { date: "2025-03-04", volume: 3 }] }',
      'adjustment.days[1].date',
    ],
    ['a negative volume', 'adjustment: { days: [{ date: "2025-03-04", volume: -3 }] }', 'adjustment.days[0].volume'],
  ])('refuses %s, naming the argument', async (_what, arg, argument) => {
    const res = await api.graphql(staffing(`, ${arg}`, true));
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(res.errors?.[0]?.message).toMatch(new RegExp(`^${argument.replace(/[[\].]/g, '\\$&')}:`));
  });

  it('refuses a volume for a day only partly in the plan, and per-day overrides of weekly buckets', async () => {
    const partly = await api.graphql(`{ staffingPlan(channel: CHAT, from: "2025-03-03T12:00:00Z", days: 1, historyDays: 56, ahtSeconds: 300,
      adjustment: { days: [{ date: "2025-03-03", volume: 100 }] }) { scenario { totals { contacts } } } }`);
    expect(partly.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'adjustment.days[0].volume' });
    const weekly = await api.graphql(volume(`, adjustment: { days: [{ date: "2025-03-03", multiplier: 2 }] }`, true, 'WEEK', 2));
    expect(weekly.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'adjustment.days' });
  });
});
