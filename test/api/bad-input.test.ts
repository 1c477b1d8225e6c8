import { startTestApi, type TestApi } from '../support/test-api';

const MARCH = { from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };
const P = `period: { from: "${MARCH.from}", to: "${MARCH.to}" }`;

/** Stands for a value nested 5,000 lists deep, spliced into the body as text (JSON.stringify would overflow on it). */
const DEEP = '@deep@';
const DEEP_JSON = `${'['.repeat(5000)}"x"${']'.repeat(5000)}`;

describe('hostile input', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({}, { auth: true });
  });
  afterAll(async () => api?.close());

  const ask = async (query: string, variables?: Record<string, unknown>) => {
    const res = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminKey}` },
      body: JSON.stringify({ query, variables }).replace(JSON.stringify(DEEP), DEEP_JSON),
    });
    return {
      status: res.status,
      body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] },
    };
  };

  // The NUL is written as a GraphQL escape in literals and as a JS string in variables; PostgreSQL can store neither.
  it.each([
    ['a list literal', `{ ticketVolume(${P}, product: ["api\\u0000"]) { value } }`, undefined, 'product'],
    ['a list variable', `query($x: [String!]) { ticketVolume(${P}, team: $x) { value } }`, { x: ['a\u0000b'] }, 'team'],
    [
      'an input field literal',
      `{ ticketVolume(period: { from: "${MARCH.from}", to: "${MARCH.to}", timezone: "UTC\\u0000" }) { value } }`,
      undefined,
      'period.timezone',
    ],
    [
      'an input field variable',
      `query($p: PeriodInput!) { ticketVolume(period: $p) { value } }`,
      { p: { ...MARCH, timezone: 'UTC\u0000' } },
      'period.timezone',
    ],
    ['a breakdown filter', `{ ticketVolume(${P}, agent: ["\\u0000"]) { breakdown(by: CHANNEL) { value } } }`, undefined, 'agent'],
    ['a mutation argument', `mutation { revokeApiKey(name: "acme\\u0000") { name } }`, undefined, 'name'],
    ['a metric name', `mutation { removeMetricTarget(metric: "ticketVolume\\u0000") }`, undefined, 'metric'],
    ['an audit filter', `query($k: String) { auditLog(keyName: $k) { keyName } }`, { k: 'acme\u0000' }, 'keyName'],
    [
      'a calendar',
      `mutation($c: BusinessCalendarInput!) { setBusinessCalendar(input: $c) { name } }`,
      { c: { name: 'x\u0000', timezone: 'UTC', hours: [{ day: 'MONDAY', opens: '09:00', closes: '17:00' }] } },
      'input.name',
    ],
  ])('refuses a NUL character in %s, naming the argument', async (_case, query, variables, argument) => {
    const { status, body } = await ask(query, variables);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(/NUL/), extensions: { code: 'BAD_USER_INPUT', argument } });
    expect(status).toBe(400);
  });

  it.each([
    [
      'a date that is not one',
      `query($p: PeriodInput!) { ticketVolume(period: $p) { value } }`,
      { p: { ...MARCH, from: 'not a date' } },
      /^Variable "\$p" got invalid value "not a date" at "p.from"/,
    ],
    [
      'a string for an Int',
      `query($h: Int!) { ticketVolumeForecast(history: { from: "2025-01-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }, horizon: $h) { model } }`,
      { h: 'abc' },
      /^Variable "\$h" got invalid value "abc"/,
    ],
    [
      'a missing required variable',
      `query($p: PeriodInput!) { ticketVolume(period: $p) { value } }`,
      {},
      /^Variable "\$p" of required type "PeriodInput!" was not provided/,
    ],
  ])('answers a variable of the wrong type (%s) with 400 and the reason', async (_case, query, variables, message) => {
    const { status, body } = await ask(query, variables);
    expect(body.errors?.[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: 'BAD_USER_INPUT' } });
    expect(status).toBe(400);
  });

  it.each([
    ['unused', `query($p: PeriodInput!) { ticketVolume(period: $p) { value } }`, { p: MARCH, deep: DEEP }],
    ['used', `query($x: [String!]) { ticketVolume(${P}, team: $x) { value } }`, { x: DEEP }],
  ])('refuses variables nested 5,000 deep (%s) as bad input, not a crash', async (_case, query, variables) => {
    const { status, body } = await ask(query, variables);
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^variables: nested deeper than \d+ levels/),
      extensions: { code: 'BAD_USER_INPUT', argument: 'variables' },
    });
    expect(status).toBe(400);
  });

  it('answers UNKNOWN_TIMEZONE for a zone Node knows and PostgreSQL does not', async () => {
    const zone = 'US/Pacific-New';
    // The case only exists while the two tz databases disagree on this zone.
    expect(() => new Intl.DateTimeFormat('en-US', { timeZone: zone })).not.toThrow();
    expect(await api.db.dataSource.query(`SELECT 1 FROM pg_timezone_names WHERE name = $1`, [zone])).toEqual([]);
    const { body } = await ask(`query($p: PeriodInput!) { ticketVolume(period: $p) { value series(granularity: DAY) { value } } }`, {
      p: { ...MARCH, timezone: zone },
    });
    expect(body.errors?.[0]).toMatchObject({
      message: expect.stringContaining(zone),
      extensions: { code: 'UNKNOWN_TIMEZONE', argument: 'period.timezone' },
    });
  });
});
