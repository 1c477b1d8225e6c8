import { hourlyArrivalsSql } from '../support/hourly-arrivals';
import { startTestApi, type TestApi } from '../support/test-api';

// Eight weeks of hourly arrivals with a daily shape (busy mid-day, a little at night), quiet weekends and deterministic
// noise, from Monday 6 January 2025; a fifth of the chats are urgent. Email gets the same shape under other ids.
const seed = (channel: string, prefix: string) =>
  hourlyArrivalsSql({ prefix, channel, product: "'api'", priority: "CASE WHEN k % 5 = 0 THEN 'urgent' ELSE 'normal' END" });

const WEEKDAYS_9_TO_17 = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY']
  .map((d) => `{ day: ${d}, opens: "09:00", closes: "17:00" }`)
  .join(', ');
const setCalendar = (name: string, extra = '') =>
  `mutation { setBusinessCalendar(input: { name: "${name}", timezone: "UTC", hours: [${WEEKDAYS_9_TO_17}] ${extra} }) { name } }`;

const INTERVAL = 'start localStart open arrivals carriedContacts contacts agents scheduledAgents serviceLevel occupancy';
const TOTALS = 'arrivals carriedContacts carriedBeyondPlan contacts agentHours';
const plan = (
  channel: string,
  extra = '',
  intervalMinutes = 30,
) => `{ staffingPlan(channel: ${channel}, from: "2025-03-03T00:00:00Z", days: 7, historyDays: 56,
    ahtSeconds: 300, intervalMinutes: ${intervalMinutes} ${extra}) {
    calendar calendarTimezone openingBacklog note forecastModel forecastAccuracy { mase coverage80 origins }
    intervals { ${INTERVAL} } days { date arrivals carriedContacts contacts agentHours } totals { ${TOTALS} }
    scenario { intervals { ${INTERVAL} } totals { ${TOTALS} } } } }`;
// The same history, hourly, over the plan's 168 hours.
const hourly = (channel: string) => `{ ticketVolumeForecast(history: { from: "2025-01-06T00:00:00Z", to: "2025-03-03T00:00:00Z" },
    granularity: HOUR, horizon: 168, channel: [${channel}]) { forecast { localStart value } modelDescription accuracy { mase coverage80 origins } } }`;

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Open on weekdays from 09:00 to 17:00 (UTC), per the interval's local start and an optional closed date. */
const officeOpen = (localStart: string, holiday?: string) => {
  const day = new Date(`${localStart}Z`).getUTCDay();
  const hour = Number(localStart.slice(11, 13));
  return day >= 1 && day <= 5 && hour >= 9 && hour < 17 && localStart.slice(0, 10) !== holiday;
};

/** Hours of the forecast as 30-minute arrivals, with what the office would carry: each close's arrivals to the next opening. */
function expectedPlan(forecast: { localStart: string; value: number }[], isOpen: (localStart: string) => boolean, openingBacklog: number) {
  const slots = forecast.flatMap((h) => [0, 30].map((m) => ({ localStart: `${h.localStart.slice(0, 14)}${m || '00'}:00`, arrivals: h.value / 2 })));
  let backlog = openingBacklog;
  const intervals = slots.map((s) => {
    const open = isOpen(s.localStart);
    const carried = open ? backlog : 0;
    backlog = open ? 0 : backlog + s.arrivals;
    return { ...s, open, carried, contacts: open ? s.arrivals + carried : 0 };
  });
  return { intervals, beyond: backlog };
}

describe('staffing plans follow the business calendar', () => {
  let api: TestApi;
  let forecast: { localStart: string; value: number }[];
  /** The tickets of a channel counted from Friday's close to the plan's start on Monday: they wait for Monday's opening. */
  const weekend = async (channel: string) =>
    (
      await api.db.dataSource.query(
        `SELECT count(*)::int AS n FROM tickets WHERE channel = $1 AND created_at >= '2025-02-28T17:00:00Z' AND created_at < '2025-03-03T00:00:00Z'`,
        [channel],
      )
    )[0].n;
  beforeAll(async () => {
    api = await startTestApi({ RATE_LIMIT_BURST_COST: 1_000_000 });
    await api.db.dataSource.query(seed('chat', 'c'));
    await api.db.dataSource.query(seed('email', 'e'));
    const res = await api.graphql(hourly('CHAT'));
    expect(res.errors).toBeUndefined();
    forecast = res.data.ticketVolumeForecast.forecast;
  });
  afterAll(async () => api?.close());

  it('without a calendar is open around the clock and says so; its arrivals are ticketVolumeForecast’s hourly values', async () => {
    // A calendar of another channel does not apply to chat.
    expect((await api.graphql(setCalendar('email-desk', ', channels: [EMAIL]'))).errors).toBeUndefined();
    const res = await api.graphql(plan('CHAT'));
    expect(res.errors).toBeUndefined();
    const p = res.data.staffingPlan;
    expect(p).toMatchObject({ calendar: null, calendarTimezone: null, openingBacklog: 0 });
    expect(p.note).toMatch(/open around the clock/);
    expect(p.intervals).toHaveLength(336);
    p.intervals.forEach((i: any, k: number) => {
      const hour = forecast[Math.floor(k / 2)];
      expect(i.localStart.slice(0, 13)).toBe(hour.localStart.slice(0, 13));
      expect(i.arrivals).toBeCloseTo(hour.value / 2, 9);
      expect(i).toMatchObject({ open: true, carriedContacts: 0 });
      expect(i.contacts).toBe(i.arrivals);
    });
    // One forecast: the plan's model and accuracy are ticketVolumeForecast's for the same history and hours.
    const volume = (await api.graphql(hourly('CHAT'))).data.ticketVolumeForecast;
    expect(p.forecastModel).toBe(volume.modelDescription);
    expect(p.forecastAccuracy).toEqual(volume.accuracy);
    expect(p.forecastAccuracy.origins).toBeGreaterThan(0);
    expect(p.totals.carriedBeyondPlan).toBe(0);
    expect(p.totals.contacts).toBeCloseTo(sum(forecast.map((h) => h.value)), 6);
    // 15-minute intervals share each hour's forecast by four.
    const quarter = (await api.graphql(plan('CHAT', '', 15))).data.staffingPlan;
    expect(quarter.intervals).toHaveLength(672);
    quarter.intervals.forEach((i: any, k: number) => expect(i.arrivals).toBeCloseTo(forecast[Math.floor(k / 4)].value / 4, 9));
    // The night is staffed, as nothing says the desk is closed.
    expect(p.intervals.filter((i: any) => i.localStart.endsWith('T03:00:00')).every((i: any) => i.scheduledAgents > 0)).toBe(true);
  });

  it('staffs a 09:00–17:00 weekday calendar only when open, carrying the closed hours’ contacts into the first open interval', async () => {
    expect((await api.graphql(setCalendar('office', ', channels: [CHAT]'))).errors).toBeUndefined();
    const res = await api.graphql(plan('CHAT'));
    expect(res.errors).toBeUndefined();
    const p = res.data.staffingPlan;
    expect(p).toMatchObject({ calendar: 'office', calendarTimezone: 'UTC' });
    expect(p.note).toMatch(/business calendar 'office'/);
    // The weekend before the plan is counted in the history: it waits for Monday 09:00 too.
    const opening = await weekend('chat');
    expect(opening).toBeGreaterThan(10);
    expect(p.openingBacklog).toBe(opening);
    const expected = expectedPlan(forecast, (s) => officeOpen(s), opening);

    p.intervals.forEach((i: any, k: number) => {
      const e = expected.intervals[k];
      expect(i.localStart).toBe(e.localStart);
      expect(i.open).toBe(e.open);
      expect(i.arrivals).toBeCloseTo(e.arrivals, 9);
      expect(i.carriedContacts).toBeCloseTo(e.carried, 9);
      expect(i.contacts).toBeCloseTo(e.contacts, 9);
      if (!e.open) expect(i).toMatchObject({ contacts: 0, agents: 0, scheduledAgents: 0, serviceLevel: null });
      else expect(i.scheduledAgents).toBeGreaterThan(0);
    });
    // The closed hours' contacts are in each weekday's 09:00 interval: Monday's night, and Tuesday–Friday the evening before too.
    const at = (localStart: string) => p.intervals.find((i: any) => i.localStart === localStart);
    const arrivedBetween = (from: string, to: string) =>
      sum(p.intervals.filter((i: any) => i.localStart >= from && i.localStart < to).map((i: any) => i.arrivals));
    expect(at('2025-03-03T09:00:00').carriedContacts).toBeCloseTo(opening + arrivedBetween('2025-03-03T00:00:00', '2025-03-03T09:00:00'), 9);
    expect(at('2025-03-04T09:00:00').carriedContacts).toBeCloseTo(arrivedBetween('2025-03-03T17:00:00', '2025-03-04T09:00:00'), 9);
    expect(at('2025-03-04T09:00:00').carriedContacts).toBeGreaterThan(1);
    expect(p.intervals.filter((i: any) => i.carriedContacts > 0).map((i: any) => i.localStart.slice(11))).toEqual(Array(5).fill('09:00:00'));

    // Each day's arrivals are the forecast's for that day; what is worked sums to the forecast (and the weekend before)
    // with what is left after Friday's close.
    for (const day of p.days) {
      expect(day.arrivals).toBeCloseTo(sum(forecast.filter((h) => h.localStart.startsWith(day.date)).map((h) => h.value)), 9);
      const weekday = officeOpen(`${day.date}T09:00:00`);
      expect(day.agentHours > 0).toBe(weekday);
      if (!weekday) expect(day.contacts).toBe(0);
    }
    const total = sum(forecast.map((h) => h.value));
    expect(p.totals.arrivals).toBeCloseTo(total, 6);
    expect(p.totals.carriedBeyondPlan).toBeCloseTo(arrivedBetween('2025-03-07T17:00:00', '2025-03-10T00:00:00'), 6);
    expect(p.totals.contacts + p.totals.carriedBeyondPlan).toBeCloseTo(total + opening, 6);
    expect(p.totals.carriedContacts).toBeCloseTo(sum(expected.intervals.map((i) => i.carried)), 6);
    expect(sum(p.days.map((d: any) => d.contacts))).toBeCloseTo(p.totals.contacts, 6);
    // Monday works the weekend and its own arrivals up to the close; Tuesday Monday evening's and its own.
    expect(p.days[0].contacts).toBeCloseTo(opening + arrivedBetween('2025-03-03T00:00:00', '2025-03-03T17:00:00'), 9);
    expect(p.days[1].contacts).toBeCloseTo(arrivedBetween('2025-03-03T17:00:00', '2025-03-04T17:00:00'), 9);
    expect(p.note).toMatch(/left for the first opening after the plan/);
  });

  it('closes on a holiday, carrying its contacts to the next opening, and follows a calendar set again at once', async () => {
    expect((await api.graphql(setCalendar('office', ', channels: [CHAT], holidays: ["2025-03-05"]'))).errors).toBeUndefined();
    const p = (await api.graphql(plan('CHAT'))).data.staffingPlan;
    const expected = expectedPlan(forecast, (s) => officeOpen(s, '2025-03-05'), await weekend('chat'));
    p.intervals.forEach((i: any, k: number) => {
      expect(i.open).toBe(expected.intervals[k].open);
      expect(i.carriedContacts).toBeCloseTo(expected.intervals[k].carried, 9);
    });
    expect(p.intervals.filter((i: any) => i.localStart.startsWith('2025-03-05')).every((i: any) => !i.open && i.scheduledAgents === 0)).toBe(true);
    const thursday = p.intervals.find((i: any) => i.localStart === '2025-03-06T09:00:00');
    const arrived = sum(
      p.intervals.filter((i: any) => i.localStart >= '2025-03-04T17:00:00' && i.localStart < '2025-03-06T09:00:00').map((i: any) => i.arrivals),
    );
    expect(thursday.carriedContacts).toBeCloseTo(arrived, 9);
    expect(p.days.find((d: any) => d.date === '2025-03-05')).toMatchObject({ contacts: 0, agentHours: 0 });
  });

  it('leaves everything for the next opening when the plan has no open interval', async () => {
    const res = await api.graphql(plan('CHAT').replace('from: "2025-03-03T00:00:00Z", days: 7', 'from: "2025-03-01T00:00:00Z", days: 2'));
    expect(res.errors).toBeUndefined();
    const p = res.data.staffingPlan;
    const friday = (
      await api.db.dataSource.query(
        `SELECT count(*)::int AS n FROM tickets WHERE channel = 'chat' AND created_at >= '2025-02-28T17:00:00Z' AND created_at < '2025-03-01T00:00:00Z'`,
      )
    )[0].n;
    expect(p.openingBacklog).toBe(friday);
    expect(p.intervals.every((i: any) => !i.open && i.scheduledAgents === 0)).toBe(true);
    expect(p.totals).toMatchObject({ contacts: 0, carriedContacts: 0, agentHours: 0 });
    expect(p.totals.carriedBeyondPlan).toBeCloseTo(p.totals.arrivals + friday, 6);
    expect(p.note).toMatch(
      new RegExp(
        `96 of 96 intervals are closed and not staffed; 0 contacts forecast while closed are carried into the first open interval after them, and ${Math.round((p.totals.arrivals + friday) * 10) / 10} arriving`,
      ),
    );
  });

  it('plans a scenario on the adjusted arrivals with the same opening hours', async () => {
    const res = await api.graphql(plan('CHAT', ', adjustment: { multiplier: 1.2 }'));
    expect(res.errors).toBeUndefined();
    const { intervals, scenario, totals, openingBacklog } = res.data.staffingPlan;
    expect(openingBacklog).toBeGreaterThan(0);
    const firstOpen = intervals.findIndex((i: any) => i.open);
    scenario.intervals.forEach((s: any, k: number) => {
      const b = intervals[k];
      expect(s.open).toBe(b.open);
      expect(s.arrivals).toBeCloseTo(b.arrivals * 1.2, 9);
      // What waits from before the plan was counted, not forecast: the scenario does not scale it.
      const counted = k === firstOpen ? openingBacklog : 0;
      expect(s.carriedContacts).toBeCloseTo((b.carriedContacts - counted) * 1.2 + counted, 9);
      if (!s.open) expect(s.scheduledAgents).toBe(0);
      expect(s.agents).toBeGreaterThanOrEqual(b.agents);
    });
    expect(scenario.totals.contacts + scenario.totals.carriedBeyondPlan).toBeCloseTo(totals.arrivals * 1.2 + openingBacklog, 6);
  });

  it('works asynchronous contacts off in open time only, with the workload model', async () => {
    expect((await api.graphql(setCalendar('email-desk', ', channels: [EMAIL]'))).errors).toBeUndefined();
    const res = await api.graphql(plan('EMAIL', ', responseTargetSeconds: 14400'));
    expect(res.errors).toBeUndefined();
    const p = res.data.staffingPlan;
    const email = (await api.graphql(hourly('EMAIL'))).data.ticketVolumeForecast.forecast;
    const expected = expectedPlan(email, (s) => officeOpen(s), await weekend('email'));
    expect(p.calendar).toBe('email-desk');
    p.intervals.forEach((i: any, k: number) => {
      expect(i.open).toBe(expected.intervals[k].open);
      expect(i.arrivals).toBeCloseTo(expected.intervals[k].arrivals, 9);
      expect(i.contacts).toBeCloseTo(expected.intervals[k].contacts, 9);
      // A 4-hour target from 16:30 would reach into the evening: the work stays in open intervals.
      if (!i.open) expect(i.scheduledAgents).toBe(0);
    });
    // The morning backlog is spread over the first open intervals, not staffed all at 09:00.
    const tuesday = p.intervals.filter((i: any) => i.localStart.startsWith('2025-03-04') && i.open);
    expect(tuesday[1].agents).toBeGreaterThan(0);
    expect(tuesday[0].agents).toBeLessThan(Math.ceil((tuesday[0].contacts * 300) / 1800 / 0.85));
    expect(p.note).toMatch(/response target counts open time only/);
  });

  it('follows the calendar of most tickets when the priorities differ, and the priority’s own when filtered', async () => {
    expect(
      (
        await api.graphql(`mutation { setBusinessCalendar(input: { name: "urgent-chat", timezone: "UTC",
      hours: [{ day: MONDAY, opens: "00:00", closes: "24:00" }], channels: [CHAT], priorities: [URGENT] }) { name } }`)
      ).errors,
    ).toBeUndefined();
    const all = (await api.graphql(plan('CHAT'))).data.staffingPlan;
    expect(all.calendar).toBe('office');
    expect(all.note).toMatch(/different business calendars \('office', 'urgent-chat'\)/);
    const urgent = (await api.graphql(plan('CHAT', ', priority: [URGENT]'))).data.staffingPlan;
    expect(urgent.calendar).toBe('urgent-chat');
    expect(urgent.intervals.filter((i: any) => i.open).map((i: any) => i.localStart.slice(0, 10))).toEqual(Array(48).fill('2025-03-03'));
    expect((await api.graphql(`mutation { removeBusinessCalendar(name: "urgent-chat") }`)).errors).toBeUndefined();
  });

  it('leaves out a count of waiting contacts below a partner’s minimum group size', async () => {
    const strict = await startTestApi({ PARTNER_MIN_GROUP_SIZE: 100_000, RATE_LIMIT_BURST_COST: 1_000_000 }, { auth: true, db: api.db });
    try {
      const partner = await strict.createKey({ name: 'api-partner', role: 'partner', scope: { product: ['api'] } });
      const res = await strict.graphql(plan('CHAT'), {}, { key: partner });
      expect(res.errors).toBeUndefined();
      const p = res.data.staffingPlan;
      expect(p.openingBacklog).toBe(0);
      expect(p.note).toMatch(/fewer than the minimum group size/);
      expect(p.totals.contacts + p.totals.carriedBeyondPlan).toBeCloseTo(p.totals.arrivals, 6);
    } finally {
      await strict.close();
    }
  });

  it("reads the opening hours in the calendar's time zone, the intervals in the plan's", async () => {
    expect(
      (await api.graphql(setCalendar('email-desk', ', channels: [EMAIL]').replace('timezone: "UTC"', 'timezone: "Europe/Berlin"'))).errors,
    ).toBeUndefined();
    const p = (await api.graphql(plan('EMAIL', ', responseTargetSeconds: 14400'))).data.staffingPlan;
    expect(p).toMatchObject({ calendar: 'email-desk', calendarTimezone: 'Europe/Berlin' });
    // 09:00–17:00 in Berlin is 08:00–16:00 UTC in March (CET).
    const monday = p.intervals.filter((i: any) => i.localStart.startsWith('2025-03-03') && i.open).map((i: any) => i.localStart.slice(11, 16));
    expect(monday[0]).toBe('08:00');
    expect(monday[monday.length - 1]).toBe('15:30');
    expect(monday).toHaveLength(16);
  });
});
