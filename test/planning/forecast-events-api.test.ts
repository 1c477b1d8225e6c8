import { startTestApi, type TestApi } from '../support/test-api';

// Past holidays (the volume drops to 30%) and one future holiday, 2025-03-17, a Monday.
const PAST_HOLIDAYS = [
  '2024-01-01',
  '2024-02-19',
  '2024-05-27',
  '2024-07-04',
  '2024-09-02',
  '2024-11-28',
  '2024-12-25',
  '2025-01-01',
  '2025-01-20',
  '2025-02-17',
];
const FUTURE_HOLIDAY = '2025-03-17';

// Daily email and chat tickets from 2024-01-01 to 2025-02-28: a weekly pattern, deterministic noise, the holiday dips.
const SEED = `
  INSERT INTO tickets (external_id, channel, created_at)
  SELECT c || '-' || to_char(d, 'YYYYMMDD') || '-' || k, c::text, d + k * interval '61 seconds'
  FROM generate_series('2024-01-01T00:00:00Z'::timestamptz, '2025-02-28T00:00:00Z', interval '1 day') d
  CROSS JOIN (VALUES ('email'), ('chat')) AS ch(c)
  CROSS JOIN LATERAL generate_series(1, round(
      (CASE extract(isodow FROM d) WHEN 6 THEN 25 WHEN 7 THEN 20 ELSE 60 END)
      * (CASE WHEN to_char(d, 'YYYY-MM-DD') = ANY($1::text[]) THEN 0.3 ELSE 1 END)
      * (1 + (get_byte(decode(md5(c || d::text), 'hex'), 0) % 11 - 5) * 0.02))::int) k`;

const QUERY = `query($channel: [Channel!], $holidays: Boolean, $events: [ForecastEventInput!]) {
  ticketVolumeForecast(history: { from: "2024-01-01T00:00:00Z", to: "2025-03-01T00:00:00Z" }, granularity: DAY, horizon: 35,
                       channel: $channel, holidays: $holidays, events: $events) {
    forecast { localStart value intervals { level lower upper } }
    events { name origin multiplier source historyBuckets forecastBuckets }
  } }`;

type Forecast = { forecast: { localStart: string; value: number; intervals: { level: number; lower: number; upper: number }[] }[]; events: any[] };

describe('forecast events: holidays from the business calendars, stored events, the events argument', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({}, { auth: true });
    await api.db.dataSource.query(SEED, [PAST_HOLIDAYS]);
    const res = await api.graphql(
      `mutation($h: [String!]) { setBusinessCalendar(input: { name: "us", timezone: "UTC",
      hours: [{ day: MONDAY, opens: "09:00", closes: "17:00" }], holidays: $h }) { name } }`,
      { h: [...PAST_HOLIDAYS, FUTURE_HOLIDAY] },
    );
    expect(res.errors).toBeUndefined();
  });
  afterAll(async () => api?.close());

  async function forecast(variables: Record<string, unknown>): Promise<Forecast> {
    const res = await api.graphql(QUERY, variables);
    expect(res.errors).toBeUndefined();
    return res.data.ticketVolumeForecast;
  }
  const on = (f: Forecast, date: string) => f.forecast.find((p) => p.localStart.startsWith(date))!;

  it("learns the holidays' dip from the calendar and applies it to the future holiday", async () => {
    const f = await forecast({ channel: ['EMAIL'] });
    expect(f.events).toEqual([
      { name: 'holidays', origin: 'calendar', multiplier: expect.any(Number), source: 'estimated', historyBuckets: 10, forecastBuckets: 1 },
    ]);
    expect(f.events[0].multiplier).toBeGreaterThan(0.25);
    expect(f.events[0].multiplier).toBeLessThan(0.35);
    const holiday = on(f, FUTURE_HOLIDAY).value;
    const weekBefore = on(f, '2025-03-10').value;
    const weekAfter = on(f, '2025-03-24').value;
    expect(holiday / ((weekBefore + weekAfter) / 2)).toBeLessThan(0.4);
    for (const i of on(f, FUTURE_HOLIDAY).intervals) expect(i.upper).toBeLessThan(weekBefore);

    const plain = await forecast({ channel: ['EMAIL'], holidays: false });
    expect(plain.events).toEqual([]);
    expect(on(plain, FUTURE_HOLIDAY).value / on(plain, '2025-03-10').value).toBeGreaterThan(0.8);
  });

  it('applies a stored event to forecasts within its segment only, and the events argument replaces it', async () => {
    const base = await forecast({ channel: ['CHAT'], holidays: false });
    expect(base.events).toEqual([]);
    const set =
      await api.graphql(`mutation { setForecastEvent(event: { name: "launch", dates: ["2025-03-25", "2025-03-26"], multiplier: 1.5 }, segment: { channel: [CHAT] }) {
      name dates multiplier segment } }`);
    expect(set.errors).toBeUndefined();
    expect(set.data.setForecastEvent).toEqual({
      name: 'launch',
      dates: ['2025-03-25', '2025-03-26'],
      multiplier: 1.5,
      segment: '{"channel":["chat"]}',
    });

    const chat = await forecast({ channel: ['CHAT'], holidays: false });
    expect(chat.events).toEqual([{ name: 'launch', origin: 'stored', multiplier: 1.5, source: 'given', historyBuckets: 0, forecastBuckets: 2 }]);
    expect(on(chat, '2025-03-25').value).toBeCloseTo(on(base, '2025-03-25').value * 1.5, 6);
    expect(on(chat, '2025-03-24').value).toBeCloseTo(on(base, '2025-03-24').value, 6);

    expect((await forecast({ channel: ['EMAIL'], holidays: false })).events).toEqual([]);
    expect((await forecast({ holidays: false })).events).toEqual([]);

    const replaced = await forecast({ channel: ['CHAT'], holidays: false, events: [{ name: 'launch', dates: ['2025-03-25'], multiplier: 2 }] });
    expect(replaced.events).toEqual([{ name: 'launch', origin: 'argument', multiplier: 2, source: 'given', historyBuckets: 0, forecastBuckets: 1 }]);

    const list = await api.graphql(`{ forecastEvents { name segment } }`);
    expect(list.data.forecastEvents).toEqual([{ name: 'launch', segment: '{"channel":["chat"]}' }]);
    expect((await api.graphql(`mutation { removeForecastEvent(name: "launch") }`)).data.removeForecastEvent).toBe(true);
    expect((await forecast({ channel: ['CHAT'], holidays: false })).events).toEqual([]);
  });

  it('rejects bad events with an error naming the field', async () => {
    const res = await api.graphql(QUERY, { events: [{ name: 'a', dates: ['2025-03-01', '2025-02-30'] }] });
    expect(res.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^events\[0\]\.dates\[1\]: expected a date/),
      extensions: { code: 'BAD_USER_INPUT', argument: 'events[0].dates[1]' },
    });
    const twice = await api.graphql(QUERY, {
      events: [
        { name: 'a', dates: ['2025-03-01'] },
        { name: 'a', dates: ['2025-03-02'] },
      ],
    });
    expect(twice.errors?.[0]?.extensions?.argument).toBe('events[1].name');
    const negative = await api.graphql(`mutation { setForecastEvent(event: { name: "x", dates: ["2025-03-01"], multiplier: -1 }) { name } }`);
    expect(negative.errors?.[0]?.extensions?.argument).toBe('event.multiplier');
  });

  it("takes the holidays of the calendar the segment's tickets follow, not of every calendar of the channel", async () => {
    // Chat follows a calendar of its own (more specific than "us", which has no channels): its holidays, not "us"'s, are
    // the dates chat closes, as business-hours metrics and staffing plans pick the calendar.
    const chatHolidays = ['2024-03-04', '2024-08-05', '2025-03-18'];
    const res = await api.graphql(
      `mutation($h: [String!]) { setBusinessCalendar(input: { name: "live chat", timezone: "UTC", channels: [CHAT],
      hours: [{ day: MONDAY, opens: "08:00", closes: "20:00" }], holidays: $h }) { name } }`,
      { h: chatHolidays },
    );
    expect(res.errors).toBeUndefined();
    const chat = await forecast({ channel: ['CHAT'] });
    expect(chat.events).toEqual([expect.objectContaining({ name: 'holidays', origin: 'calendar', historyBuckets: 2, forecastBuckets: 1 })]);
    const email = await forecast({ channel: ['EMAIL'] });
    expect(email.events).toEqual([expect.objectContaining({ name: 'holidays', historyBuckets: 10, forecastBuckets: 1 })]);
    // Both channels: the holidays of both calendars.
    const both = await forecast({ channel: ['CHAT', 'EMAIL'] });
    expect(both.events).toEqual([expect.objectContaining({ name: 'holidays', historyBuckets: 12, forecastBuckets: 2 })]);
    expect((await api.graphql(`mutation { removeBusinessCalendar(name: "live chat") }`)).errors).toBeUndefined();
  });

  it('lets only admins store events', async () => {
    const analyst = await api.createKey({ name: 'events-analyst', role: 'analyst' });
    const res = await api.graphql(`mutation { setForecastEvent(event: { name: "x", dates: ["2025-03-01"] }) { name } }`, {}, { key: analyst });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await api.graphql(`{ forecastEvents { name } }`, {}, { key: analyst })).errors).toBeUndefined();
  });
});
