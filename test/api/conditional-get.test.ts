import { startTestApi, type TestApi } from '../support/test-api';

const QUERY =
  '{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { value } dataStatus { importRun dataThrough { fact latest } rollupsCurrent } }';

describe('GET queries with ETag', () => {
  let api: TestApi;
  let analyst: string;
  beforeAll(async () => {
    api = await startTestApi({}, { auth: true });
    analyst = await api.createKey({ name: 'analyst', role: 'analyst' });
    await api.db.dataSource.query(`INSERT INTO tickets (external_id, channel, created_at) VALUES ('e1', 'chat', '2025-05-01T10:00:00Z')`);
  });
  afterAll(async () => api?.close());

  const get = (key: string | null, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/graphql?query=${encodeURIComponent(QUERY)}`, {
      headers: { 'apollo-require-preflight': 'true', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    });

  it('answers a repeated GET with 304 until the data changes, then 200 with the new numbers', async () => {
    const first = await get(api.adminKey);
    expect(first.status).toBe(200);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    const body = (await first.json()) as {
      data: { ticketVolume: { value: number }; dataStatus: { dataThrough: { fact: string; latest: string | null }[] } };
    };
    expect(body.data.ticketVolume.value).toBe(1);
    expect(body.data.dataStatus.dataThrough.find((f) => f.fact === 'tickets')?.latest).toBe('2025-05-01T10:00:00.000Z');

    const again = await get(api.adminKey, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');

    // Another key gets its own tag: an answer is never validated for someone else.
    const other = await get(analyst, { 'if-none-match': etag });
    expect(other.status).toBe(200);
    expect(other.headers.get('etag')).not.toBe(etag);

    await api.db.dataSource.query(`INSERT INTO tickets (external_id, channel, created_at) VALUES ('e2', 'chat', '2025-06-01T10:00:00Z')`);
    const changed = await get(api.adminKey, { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(((await changed.json()) as { data: { ticketVolume: { value: number } } }).data.ticketVolume.value).toBe(2);
  });

  it('never answers 304 to a caller that does not authenticate, and tags no error', async () => {
    const first = await get(api.adminKey);
    const etag = first.headers.get('etag')!;
    const stranger = await get(null, { 'if-none-match': etag });
    expect(stranger.status).toBe(401);
    expect(stranger.headers.get('etag')).toBeNull();
  });
});

describe('GET queries with ETag, when the configuration changes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({}, { auth: true });
    await api.db.dataSource.query(`INSERT INTO tickets (external_id, channel, created_at) VALUES ('c1', 'chat', '2025-05-01T10:00:00Z')`);
  });
  afterAll(async () => api?.close());

  const query = '{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { value target status } }';
  const get = (etag?: string) =>
    fetch(`${api.url}/graphql?query=${encodeURIComponent(query)}`, {
      headers: { 'apollo-require-preflight': 'true', authorization: `Bearer ${api.adminKey}`, ...(etag ? { 'if-none-match': etag } : {}) },
    });
  const mutate = async (mutation: string) => expect((await api.graphql(mutation)).errors).toBeUndefined();

  it.each([
    ['a target is set', 'mutation { setMetricTarget(metric: "ticketVolume", target: 5) { metric } }'],
    ['a target changes', 'mutation { setMetricTarget(metric: "ticketVolume", target: 7) { metric } }'],
    ['a target is removed', 'mutation { removeMetricTarget(metric: "ticketVolume") }'],
    [
      'a business calendar is set',
      'mutation { setBusinessCalendar(input: { name: "k", timezone: "UTC", hours: [{ day: MONDAY, opens: "09:00", closes: "17:00" }] }) { name } }',
    ],
    [
      'a business calendar is replaced',
      'mutation { setBusinessCalendar(input: { name: "k", timezone: "UTC", hours: [{ day: TUESDAY, opens: "09:00", closes: "17:00" }] }) { name } }',
    ],
    ['a business calendar is removed', 'mutation { removeBusinessCalendar(name: "k") }'],
    ['a forecast event is stored', 'mutation { setForecastEvent(event: { name: "e", dates: ["2025-06-01"] }) { name } }'],
    ['a forecast event changes', 'mutation { setForecastEvent(event: { name: "e", dates: ["2025-06-02"] }) { name } }'],
    ['a forecast event is removed', 'mutation { removeForecastEvent(name: "e") }'],
  ])('answers 200, not 304, after %s', async (_what, mutation) => {
    const etag = (await get()).headers.get('etag')!;
    expect((await get(etag)).status).toBe(304);
    await mutate(mutation);
    const after = await get(etag);
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
  });
});
