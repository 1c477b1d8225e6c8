import { Writable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import { FORECAST_EXPORT, STAFFING_PLAN_EXPORT } from '../../src/planning/forecast-export';
import { exportFromDatabase } from '../../src/server/export-command';
import { buildCli } from '../../src/cli/main';
import { hourlyArrivalsSql } from '../support/hourly-arrivals';
import { startTestApi, type TestApi } from '../support/test-api';

// Eight weeks of hourly chat arrivals with a daily shape, quiet weekends and deterministic noise, from Monday 6 January 2025.
const SEED_CHAT = hourlyArrivalsSql({ prefix: 'c', channel: 'chat', product: "CASE WHEN k % 3 = 0 THEN 'mobile' ELSE 'api' END" });

const PLAN_QUERY = `{ staffingPlan(channel: CHAT, from: "2025-03-03T00:00:00Z", days: 2, historyDays: 28, ahtSeconds: 300,
    intervalMinutes: 60, adjustment: { multiplier: 1.2, days: [{ date: "2025-03-04", volume: 250 }] }) {
    channel intervals { start localStart open arrivals carriedContacts contacts agents scheduledAgents serviceLevel averageSpeedOfAnswer occupancy abandonRate }
    scenario { intervals { start localStart arrivals carriedContacts contacts agents scheduledAgents serviceLevel averageSpeedOfAnswer occupancy abandonRate } } } }`;
const PLAN_URL =
  '/export/staffing-plan.csv?channel=chat&from=2025-03-03T00:00:00Z&days=2&historyDays=28&ahtSeconds=300&intervalMinutes=60&multiplier=1.2&day=2025-03-04%3D250';
const PLAN_PARAMETERS = {
  channel: 'chat',
  from: '2025-03-03T00:00:00Z',
  days: '2',
  historyDays: '28',
  ahtSeconds: '300',
  intervalMinutes: '60',
  multiplier: '1.2',
  day: ['2025-03-04=250'],
};

const FORECAST_QUERY = `{ ticketVolumeForecast(history: { from: "2025-01-06T00:00:00Z", to: "2025-03-03T00:00:00Z" }, granularity: DAY, horizon: 14,
    levels: [80, 95], adjustment: { multiplier: 0.9 }) {
    forecast { start localStart value intervals { level lower upper } } scenario { forecast { value intervals { level lower upper } } } } }`;
const FORECAST_URL = '/export/forecast.csv?from=2025-01-06T00:00:00Z&to=2025-03-03T00:00:00Z&granularity=day&horizon=14&levels=80,95&multiplier=0.9';

/** A stream that keeps what was written, standing in for stdout/stderr. */
function capture(): { write(text: string): boolean; text(): string } {
  const chunks: string[] = [];
  return { write: (text: string) => chunks.push(text) > 0, text: () => chunks.join('') };
}

const csvRows = (text: string): Record<string, string>[] => parse(text, { columns: true });
const cell = (v: number | null) => (v === null ? '' : String(v));

describe('CSV exports', () => {
  let api: TestApi;
  let partnerKey: string;
  const get = (path: string, key: string | null = api.adminKey) =>
    fetch(`${api.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  beforeAll(async () => {
    api = await startTestApi({ RATE_LIMIT_BURST_COST: 1_000_000 }, { auth: true });
    await api.db.dataSource.query(SEED_CHAT);
    partnerKey = await api.createKey({ name: 'mobile-partner', role: 'partner', scope: { product: ['mobile'] } });
    // Chat opens 08:00–18:00 on weekdays, so the plan has closed intervals and carried contacts to export.
    const hours = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY'].map((d) => `{ day: ${d}, opens: "08:00", closes: "18:00" }`).join(', ');
    const calendar = await api.graphql(
      `mutation { setBusinessCalendar(input: { name: "chat-desk", timezone: "UTC", hours: [${hours}], channels: [CHAT] }) { name } }`,
    );
    expect(calendar.errors).toBeUndefined();
  });
  afterAll(async () => api?.close());

  it('serves the staffing plan as text/csv equal to the GraphQL answer, scenario columns beside the baseline', async () => {
    const res = await get(PLAN_URL);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('ratelimit-remaining')).not.toBeNull();
    const rows = csvRows(await res.text());
    const answer = await api.graphql(PLAN_QUERY);
    expect(answer.errors).toBeUndefined();
    const plan = answer.data.staffingPlan;
    expect(rows).toHaveLength(plan.intervals.length);
    expect(rows.filter((r) => r.open === 'false')).toHaveLength(2 * 14);
    expect(rows.filter((r) => Number(r.carried_contacts) > 0).map((r) => r.local_start)).toEqual(['2025-03-03T08:00:00', '2025-03-04T08:00:00']);
    rows.forEach((row, k) => {
      const [b, s] = [plan.intervals[k], plan.scenario.intervals[k]];
      expect(row).toEqual({
        channel: 'chat',
        start: b.start,
        local_start: b.localStart,
        open: String(b.open),
        arrivals: cell(b.arrivals),
        carried_contacts: cell(b.carriedContacts),
        contacts: cell(b.contacts),
        agents: cell(b.agents),
        scheduled_agents: cell(b.scheduledAgents),
        service_level: cell(b.serviceLevel),
        average_speed_of_answer: cell(b.averageSpeedOfAnswer),
        occupancy: cell(b.occupancy),
        abandon_rate: cell(b.abandonRate),
        scenario_arrivals: cell(s.arrivals),
        scenario_carried_contacts: cell(s.carriedContacts),
        scenario_contacts: cell(s.contacts),
        scenario_agents: cell(s.agents),
        scenario_scheduled_agents: cell(s.scheduledAgents),
        scenario_service_level: cell(s.serviceLevel),
        scenario_average_speed_of_answer: cell(s.averageSpeedOfAnswer),
        scenario_occupancy: cell(s.occupancy),
        scenario_abandon_rate: cell(s.abandonRate),
      });
    });
  });

  it('serves the volume forecast as text/csv equal to the GraphQL answer', async () => {
    const res = await get(FORECAST_URL);
    expect(res.status).toBe(200);
    const rows = csvRows(await res.text());
    const answer = (await api.graphql(FORECAST_QUERY)).data.ticketVolumeForecast;
    expect(rows).toHaveLength(14);
    rows.forEach((row, k) => {
      const [b, s] = [answer.forecast[k], answer.scenario.forecast[k]];
      expect(row).toEqual({
        start: b.start,
        local_start: b.localStart,
        forecast: cell(b.value),
        lower_80: cell(b.intervals[0].lower),
        upper_80: cell(b.intervals[0].upper),
        lower_95: cell(b.intervals[1].lower),
        upper_95: cell(b.intervals[1].upper),
        scenario_forecast: cell(s.value),
        scenario_lower_80: cell(s.intervals[0].lower),
        scenario_upper_80: cell(s.intervals[0].upper),
        scenario_lower_95: cell(s.intervals[1].lower),
        scenario_upper_95: cell(s.intervals[1].upper),
      });
    });
  });

  it("applies a partner key's scope as GraphQL does", async () => {
    const url = '/export/forecast.csv?from=2025-01-06T00:00:00Z&to=2025-03-03T00:00:00Z&horizon=7&channel=chat';
    const rows = csvRows(await (await get(url, partnerKey)).text());
    const answer = await api.graphql(
      `{ ticketVolumeForecast(history: { from: "2025-01-06T00:00:00Z", to: "2025-03-03T00:00:00Z" }, horizon: 7, channel: [CHAT]) {
      forecast { value } } }`,
      {},
      { key: partnerKey },
    );
    expect(rows.map((r) => r.forecast)).toEqual(answer.data.ticketVolumeForecast.forecast.map((p: any) => cell(p.value)));
    const all = csvRows(await (await get(url)).text());
    expect(Number(all[0].forecast)).toBeGreaterThan(Number(rows[0].forecast));
    const outside = await get('/export/forecast.csv?from=2025-01-06T00:00:00Z&to=2025-03-03T00:00:00Z&horizon=7&product=api', partnerKey);
    expect(outside.status).toBe(403);
    expect((await outside.json()).errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', argument: 'product' });
  });

  it('refuses a request without an API key', async () => {
    const res = await get(PLAN_URL, null);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it.each([
    ['a word for a number', '/export/staffing-plan.csv?channel=chat&from=2025-03-03T00:00:00Z&days=two', 'days'],
    ['an unknown parameter', '/export/staffing-plan.csv?channel=chat&from=2025-03-03T00:00:00Z&weeks=2', 'weeks'],
    [
      'an interval the plan does not take',
      '/export/staffing-plan.csv?channel=chat&from=2025-03-03T00:00:00Z&ahtSeconds=300&intervalMinutes=20',
      'intervalMinutes',
    ],
    ['a malformed day', '/export/staffing-plan.csv?channel=chat&from=2025-03-03T00:00:00Z&ahtSeconds=300&day=tuesday', 'day'],
    [
      'a day outside the plan',
      '/export/staffing-plan.csv?channel=chat&from=2025-03-03T00:00:00Z&ahtSeconds=300&day=2025-05-01*2',
      'adjustment.days[0].date',
    ],
    ['a forecast without its history', '/export/forecast.csv?horizon=7', 'from'],
  ])('answers %s with 400 naming the parameter', async (_what, url, argument) => {
    const res = await get(url);
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
    expect(body.errors[0].message.startsWith(`${argument}:`)).toBe(true);
  });

  it('names a channel the schema does not know', async () => {
    const res = await get('/export/staffing-plan.csv?channel=fax&from=2025-03-03T00:00:00Z');
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toMatch(/\$channel.*FAX/);
  });

  it('applies the query cost limit', async () => {
    const strict = await startTestApi({ MAX_QUERY_COST: 100 }, { auth: true, db: api.db });
    try {
      const res = await fetch(`${strict.url}${PLAN_URL}`, { headers: { authorization: `Bearer ${strict.adminKey}` } });
      expect(res.status).toBe(400);
      expect((await res.json()).errors[0].extensions.code).toBe('QUERY_TOO_COSTLY');
    } finally {
      await strict.close();
    }
  });

  it('prints the same CSV from the command line', async () => {
    const [stdout, stderr] = [capture(), capture()];
    const code = await exportFromDatabase(api.db.dataSource, api.config, STAFFING_PLAN_EXPORT, PLAN_PARAMETERS, 'csv', { stdout, stderr });
    expect(stderr.text()).toBe('');
    expect(code).toBe(0);
    expect(stdout.text()).toBe(await (await get(PLAN_URL)).text());
  });

  it('prints a readable table and JSON without --csv', async () => {
    const [table, json] = [capture(), capture()];
    const parameters = { from: '2025-01-06T00:00:00Z', to: '2025-03-03T00:00:00Z', horizon: '3' };
    expect(await exportFromDatabase(api.db.dataSource, api.config, FORECAST_EXPORT, parameters, 'table', { stdout: table, stderr: capture() })).toBe(
      0,
    );
    const lines = table.text().trimEnd().split('\n');
    expect(lines[0].split(/\s+/)).toEqual(['start', 'local_start', 'forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95']);
    expect(lines).toHaveLength(4);
    expect(await exportFromDatabase(api.db.dataSource, api.config, FORECAST_EXPORT, parameters, 'json', { stdout: json, stderr: capture() })).toBe(0);
    expect(JSON.parse(json.text()).forecast).toHaveLength(3);
  });

  it.each([
    [{ ...PLAN_PARAMETERS, days: 'two' }, /^error: --days: expected a whole number/],
    [{ ...PLAN_PARAMETERS, intervalMinutes: '20' }, /^error: --interval-minutes: must be 15, 30 or 60/],
    [{ ...PLAN_PARAMETERS, day: ['2025-05-01*2'] }, /^error: --day: 2025-05-01 is not in the forecast/],
    [{ ...PLAN_PARAMETERS, channel: 'fax' }, /--channel.*FAX/],
  ])('names the option of a bad command-line argument (%#)', async (parameters, message) => {
    const [stdout, stderr] = [capture(), capture()];
    expect(await exportFromDatabase(api.db.dataSource, api.config, STAFFING_PLAN_EXPORT, parameters, 'csv', { stdout, stderr })).toBe(2);
    expect(stderr.text()).toMatch(message);
    expect(stdout.text()).toBe('');
  });

  it('declares the commands with the query arguments as options', () => {
    const help = buildCli()
      .commands.find((c) => c.name() === 'staffing-plan')!
      .helpInformation();
    for (const option of ['--channel <value>', '--from <value>', '--interval-minutes <value>', '--multiplier <value>', '--day <values>', '--csv']) {
      expect(help).toContain(option);
    }
    expect(
      buildCli()
        .commands.find((c) => c.name() === 'forecast')!
        .helpInformation(),
    ).toContain('--levels <values>');
  });

  it('answers a repeated export with 304 until the data changes, like a GET query', async () => {
    const first = await get(FORECAST_URL);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = await fetch(`${api.url}${FORECAST_URL}`, { headers: { authorization: `Bearer ${api.adminKey}`, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    await api.db.dataSource.query(`INSERT INTO tickets (external_id, channel, created_at) VALUES ('etag-late', 'chat', '2025-03-02T10:00:00Z')`);
    const changed = await fetch(`${api.url}${FORECAST_URL}`, { headers: { authorization: `Bearer ${api.adminKey}`, 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('content-type')).toMatch(/^text\/csv/);
  });
});
