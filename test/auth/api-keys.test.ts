import { createHash } from 'node:crypto';
import { startTestApi, type TestApi } from '../support/test-api';

const P = `period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }`;
const KEY_FORMAT = /^dmk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/;
const codes = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);

describe('API keys', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({}, { auth: true });
  });
  afterAll(async () => api?.close());

  it('are created by an admin, shown once, and stored only as a hash', async () => {
    const res =
      await api.graphql(`mutation { createApiKey(name: "acme", role: PARTNER, scope: { product: ["api", "mobile-app"] }, expiresAt: "2099-01-01T00:00:00Z") {
      secret key { name role scope { product tier } expiresAt active } } }`);
    expect(res.errors).toBeUndefined();
    const { secret, key } = res.data.createApiKey;
    expect(secret).toMatch(KEY_FORMAT);
    expect(key).toEqual({
      name: 'acme',
      role: 'PARTNER',
      scope: { product: ['api', 'mobile-app'], tier: null },
      expiresAt: '2099-01-01T00:00:00.000Z',
      active: true,
    });

    const rows = await api.db.dataSource.query(`SELECT * FROM api_keys WHERE name = 'acme'`);
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(secret.slice(-43));
    expect(rows[0].secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));

    const list = await api.graphql(`{ apiKeys { name role active } }`);
    expect(list.data.apiKeys).toEqual(expect.arrayContaining([{ name: 'acme', role: 'PARTNER', active: true }]));
    expect(JSON.stringify(list)).not.toContain(secret.slice(-43));
  });

  it('authenticate requests sent as Authorization: Bearer, and record their use', async () => {
    const key = await api.createKey({ name: 'reader', role: 'analyst' });
    const res = await api.graphql(`{ ticketVolume(${P}) { value } }`, undefined, { key });
    expect(res).toEqual({ data: { ticketVolume: { value: 0 } } });
    const [row] = await api.db.dataSource.query(`SELECT last_used_at FROM api_keys WHERE name = 'reader'`);
    // Written without waiting for it; it lands within moments.
    for (let i = 0; i < 50 && !row.last_used_at; i++) {
      await new Promise((r) => setTimeout(r, 20));
      Object.assign(row, (await api.db.dataSource.query(`SELECT last_used_at FROM api_keys WHERE name = 'reader'`))[0]);
    }
    expect(row.last_used_at).not.toBeNull();
  });

  it.each([
    ['no Authorization header', {}, /send an API key/],
    ['another scheme', { authorization: 'Basic dXNlcjpwYXNz' }, /expected "Bearer <key>"/],
    ['something that is not a key', { authorization: 'Bearer hello' }, /not a deskmetrics API key/],
    ['a well-formed key that does not exist', { authorization: `Bearer dmk_000000000000_${'A'.repeat(43)}` }, /unknown API key/],
  ])('refuse %s with 401 UNAUTHENTICATED', async (_case, headers, message) => {
    const res = await api.post({ query: '{ healthy }' }, headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="deskmetrics"');
    const body = await res.json();
    expect(body).toEqual({
      errors: [{ message: expect.stringMatching(message), extensions: { code: 'UNAUTHENTICATED', argument: 'Authorization' } }],
    });
  });

  it('refuse a key whose secret is wrong even when its public id is right', async () => {
    const key = await api.createKey({ name: 'tampered', role: 'admin' });
    const forged = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    const res = await api.post({ query: '{ healthy }' }, { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
    expect((await res.json()).errors[0].message).toMatch(/unknown API key/);
  });

  it('refuse a revoked key from the moment it is revoked', async () => {
    const key = await api.createKey({ name: 'leaver', role: 'analyst' });
    expect((await api.graphql('{ healthy }', undefined, { key })).data).toEqual({ healthy: true });
    const revoked = await api.graphql(`mutation { revokeApiKey(name: "leaver") { name active revokedAt } }`);
    expect(revoked.data.revokeApiKey).toMatchObject({ name: 'leaver', active: false });
    const res = await api.graphql('{ healthy }', undefined, { key });
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors?.[0].message).toMatch(/revoked/);
    expect(codes(await api.graphql(`mutation { revokeApiKey(name: "nobody") { name } }`))).toEqual(['NOT_FOUND']);
  });

  it('refuse an expired key', async () => {
    const key = await api.createKey({ name: 'temp', role: 'analyst', expiresAt: new Date(Date.now() + 3_600_000) });
    expect((await api.graphql('{ healthy }', undefined, { key })).data).toEqual({ healthy: true });
    await api.db.dataSource.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE name = 'temp'`);
    const res = await api.graphql('{ healthy }', undefined, { key });
    expect(codes(res)).toEqual(['UNAUTHENTICATED']);
    expect(res.errors?.[0].message).toMatch(/expired/);
  });

  it.each([
    ['a duplicate name', `name: "acme", role: ANALYST`, 'name'],
    ['a partner without a scope', `name: "p1", role: PARTNER`, 'scope'],
    ['an analyst with a scope', `name: "a1", role: ANALYST, scope: { product: ["api"] }`, 'scope'],
    ['an expiry in the past', `name: "old", role: ANALYST, expiresAt: "2020-01-01T00:00:00Z"`, 'expiresAt'],
    ['a name with spaces', `name: "two words", role: ANALYST`, 'name'],
  ])('refuse to create a key with %s, naming the argument', async (_case, args, argument) => {
    const res = await api.graphql(`mutation { createApiKey(${args}) { secret } }`);
    expect(res.errors?.[0].extensions).toEqual({ code: 'BAD_USER_INPUT', argument });
  });

  describe('roles', () => {
    let analyst: string;
    beforeAll(async () => {
      analyst = await api.createKey({ name: 'analyst-roles', role: 'analyst' });
    });

    it.each([
      ['setMetricTarget', `mutation { setMetricTarget(metric: "ticketVolume", target: 5) { target } }`],
      ['removeMetricTarget', `mutation { removeMetricTarget(metric: "ticketVolume") }`],
      ['setBusinessCalendar', `mutation { setBusinessCalendar(input: { name: "x", timezone: "UTC", hours: [] }) { name } }`],
      ['removeBusinessCalendar', `mutation { removeBusinessCalendar(name: "x") }`],
      ['createApiKey', `mutation { createApiKey(name: "x", role: ADMIN) { secret } }`],
      ['revokeApiKey', `mutation { revokeApiKey(name: "acme") { name } }`],
      ['apiKeys', `{ apiKeys { name } }`],
      ['auditLog', `{ auditLog { keyName } }`],
    ])('keep %s for admins', async (field, query) => {
      const res = await api.graphql(query, undefined, { key: analyst });
      expect(res.errors?.[0]).toMatchObject({ message: `${field}: needs the admin role (this key is analyst)`, extensions: { code: 'FORBIDDEN' } });
    });

    it('let analysts read metrics, targets and calendars, and admins change them', async () => {
      expect((await api.graphql(`mutation { setMetricTarget(metric: "ticketVolume", target: 5) { target } }`)).data).toEqual({
        setMetricTarget: { target: 5 },
      });
      const res = await api.graphql(`{ ticketVolume(${P}) { value target } metricTargets { metric } businessCalendars { name } }`, undefined, {
        key: analyst,
      });
      expect(res).toEqual({ data: { ticketVolume: { value: 0, target: 5 }, metricTargets: [{ metric: 'ticketVolume' }], businessCalendars: [] } });
    });
  });
});

describe('failed authentication', () => {
  let api: TestApi;
  beforeAll(async () => {
    // The test's requests come through loopback, which it names as a proxy, so X-Forwarded-For sets each one's address.
    api = await startTestApi({ AUTH_FAILURES_PER_MINUTE: 5, TRUST_PROXY: 'loopback' }, { auth: true });
  });
  afterAll(async () => api?.close());

  it('is limited per client address, before any key is looked up', async () => {
    const wrong = `dmk_${'0'.repeat(12)}_${'x'.repeat(43)}`;
    const from = (address: string, key: string) => api.post({ query: '{ healthy }' }, { authorization: `Bearer ${key}`, 'x-forwarded-for': address });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await from('203.0.113.7', wrong)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);

    const refused = await from('203.0.113.7', wrong);
    expect(refused.status).toBe(429);
    // One failure comes back every 60 / 5 = 12 s.
    expect(refused.headers.get('retry-after')).toBe('12');
    const body = (await refused.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(body.errors[0].message).toMatch(/AUTH_FAILURES_PER_MINUTE/);

    // The address is refused before authentication, so even a good key waits (no lookup is spent on it).
    expect((await from('203.0.113.7', api.adminKey!)).status).toBe(429);
    // Another address is not held back.
    expect((await from('203.0.113.8', api.adminKey!)).status).toBe(200);
  });
});
