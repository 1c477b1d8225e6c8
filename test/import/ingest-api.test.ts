import { startTestApi, type TestApi } from '../support/test-api';

// POST /ingest/<entity> (docs/ingest.md) on the real HTTP API with API keys, against the test database.
const P = `period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }`;
const jsonl = (records: Record<string, unknown>[]) => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

const CUSTOMERS = [
  { customer_id: 'C1', tier: 'pro', product: 'api', signed_up_at: '2025-01-01T00:00:00Z' },
  { customer_id: 'C2', tier: 'free', signed_up_at: '2025-01-02T00:00:00Z' },
];
const TICKETS = [
  { ticket_id: 'T1', customer_id: 'C1', channel: 'email', priority: 'high', created_at: '2025-03-02T10:00:00Z', resolved_at: '2025-03-03T10:00:00Z' },
  { ticket_id: 'T2', customer_id: 'C2', channel: 'chat', created_at: '2025-03-05T10:00:00Z' },
  { ticket_id: 'T3', channel: 'phone', created_at: '2025-03-06T10:00:00Z' },
];

describe('POST /ingest/<entity>', () => {
  let api: TestApi;
  let ingestKey: string;
  beforeAll(async () => {
    api = await startTestApi({ INGEST_MAX_BYTES: 4096 }, { auth: true });
    ingestKey = await api.createKey({ name: 'webhook', role: 'ingest' });
  });
  afterAll(async () => api?.close());

  const ingest = (entity: string, body: string, key: string | null = ingestKey, headers: Record<string, string> = {}) =>
    fetch(`${api.url}/ingest/${entity}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      body,
    });
  const count = async (table: string) => Number((await api.db.dataSource.query(`SELECT count(*) AS n FROM "${table}"`))[0].n);
  const ticketVolume = async () => {
    const res = await api.graphql(`{ ticketVolume(${P}) { value } }`);
    expect(res.errors).toBeUndefined();
    return res.data.ticketVolume.value as number;
  };

  it('inserts a request’s records, then answers a repeat of it as unchanged', async () => {
    const first = await ingest('customers', jsonl(CUSTOMERS));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({
      entity: 'customers',
      runId: expect.any(String),
      read: 2,
      inserted: 2,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });

    const again = await ingest('customers', jsonl(CUSTOMERS));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ read: 2, inserted: 0, updated: 0, unchanged: 2, rejected: [] });
    expect(await count('customers')).toBe(2);
  });

  it('keeps the rollups current: a metric query after ingest counts the new tickets', async () => {
    const before = await ticketVolume();
    const res = await ingest('tickets', jsonl(TICKETS));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ entity: 'tickets', read: 3, inserted: 3, updated: 0, unchanged: 0 });
    expect(await ticketVolume()).toBe(before + TICKETS.length);
    // Recorded like any import, with the key that sent it.
    const [run] = await api.db.dataSource.query(`SELECT source FROM import_runs ORDER BY id DESC LIMIT 1`);
    expect(run.source).toBe('ingest tickets (key webhook)');
  });

  it('updates records sent again with changed fields', async () => {
    const changed = { ...TICKETS[1], priority: 'urgent', resolved_at: '2025-03-05T12:00:00Z' };
    const res = await ingest('tickets', jsonl([TICKETS[0], changed]));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ read: 2, inserted: 0, updated: 1, unchanged: 1 });
    const [row] = await api.db.dataSource.query(`SELECT priority, resolved_at FROM tickets WHERE external_id = 'T2'`);
    expect(row.priority).toBe('urgent');
    expect(new Date(row.resolved_at).toISOString()).toBe('2025-03-05T12:00:00.000Z');
  });

  it('rejects the whole request when one line is bad, naming its line and column, and writes nothing of it', async () => {
    const [tickets, customers, runs] = [await count('tickets'), await count('customers'), await count('import_runs')];
    const volume = await ticketVolume();
    const good = { ticket_id: 'T10', channel: 'email', created_at: '2025-03-10T10:00:00Z' };
    const badDate = { ticket_id: 'T11', channel: 'email', created_at: 'yesterday' };
    const badChannel = { ticket_id: 'T12', channel: 'pigeon', created_at: '2025-03-10T10:00:00Z' };
    // Line 2 is blank (ignored, but counted, as in a file).
    const body = `${JSON.stringify(good)}\n\n${JSON.stringify(badDate)}\n${JSON.stringify(badChannel)}\n{"ticket_id": "T13",\n`;
    const res = await ingest('tickets', body);
    expect(res.status).toBe(422);
    const answer = await res.json();
    expect(answer).toMatchObject({ entity: 'tickets', inserted: 0, updated: 0, unchanged: 0, truncated: false });
    expect(answer.errors).toEqual([
      { message: expect.stringContaining('nothing of this request was written'), extensions: { code: 'BAD_USER_INPUT' } },
    ]);
    expect(answer.rejected).toEqual([
      'line 3 column created_at — created_at: "yesterday" is not an ISO-8601 timestamp with offset (like 2026-03-01T09:15:00Z or 2026-03-01T10:15:00+01:00)',
      'line 4 column channel — channel: unknown channel "pigeon" (expected one of email, chat, phone, social, web, messaging)',
      expect.stringMatching(/^line 5 — invalid JSON/),
    ]);
    expect([await count('tickets'), await count('customers'), await count('import_runs')]).toEqual([tickets, customers, runs]);
    expect(await api.db.dataSource.query(`SELECT 1 FROM tickets WHERE external_id = 'T10'`)).toEqual([]);
    expect(await ticketVolume()).toBe(volume);
  });

  it('rejects a record referring to one that is neither in the request nor in the database', async () => {
    const messages = [
      { message_id: 'M1', ticket_id: 'T1', author: 'customer', sent_at: '2025-03-02T10:00:00Z' },
      { message_id: 'M2', ticket_id: 'T99', author: 'customer', sent_at: '2025-03-02T10:00:00Z' },
    ];
    const res = await ingest('messages', jsonl(messages));
    expect(res.status).toBe(422);
    expect((await res.json()).rejected).toEqual([expect.stringMatching(/^line 2 column ticket_id — .*"T99" not found/)]);
    expect(await count('messages')).toBe(0);
  });

  it('answers 404 naming the entities for an unknown one', async () => {
    const res = await ingest('ticket', jsonl(TICKETS));
    expect(res.status).toBe(404);
    const body = await res.json();
    expect(body.errors[0].extensions.code).toBe('NOT_FOUND');
    expect(body.errors[0].message).toMatch(
      /unknown entity; one of customers, agents, tickets, messages, surveys, orders, agent_activity, sla_policies/,
    );
  });

  it('refuses a body larger than INGEST_MAX_BYTES with 413, writing nothing', async () => {
    const tickets = await count('tickets');
    const many = Array.from({ length: 60 }, (_, i) => ({ ticket_id: `big-${i}`, channel: 'email', created_at: '2025-03-10T10:00:00Z' }));
    const body = jsonl(many);
    expect(Buffer.byteLength(body)).toBeGreaterThan(4096);
    const res = await ingest('tickets', body);
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({
      errors: [{ message: expect.stringContaining('INGEST_MAX_BYTES (4096 bytes)'), extensions: { code: 'REQUEST_TOO_LARGE' } }],
    });
    expect(await count('tickets')).toBe(tickets);
  });

  it('refuses an empty body with 400', async () => {
    const res = await ingest('tickets', '\n');
    expect(res.status).toBe(400);
    expect((await res.json()).errors[0].message).toMatch(/no records/);
  });

  it('lets an ingest key read nothing: GraphQL answers 403 FORBIDDEN', async () => {
    const res = await api.post({ query: `{ ticketVolume(${P}) { value } }` }, { authorization: `Bearer ${ingestKey}` });
    expect(res.status).toBe(403);
    const body = await res.json();
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([{ message: expect.stringMatching(/ingest keys read no data/), extensions: { code: 'FORBIDDEN' } }]);
    const introspection = await api.post({ query: '{ __schema { types { name } } }' }, { authorization: `Bearer ${ingestKey}` });
    expect(introspection.status).toBe(403);
    const get = await fetch(`${api.url}/graphql?query=${encodeURIComponent('{ healthy }')}`, {
      headers: { authorization: `Bearer ${ingestKey}`, 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(403);
    const csv = await fetch(`${api.url}/export/forecast.csv`, { headers: { authorization: `Bearer ${ingestKey}` } });
    expect(csv.status).toBe(403);
  });

  it.each(['analyst', 'partner'] as const)('refuses a %s key with 403, writing nothing', async (role) => {
    const key = await api.createKey({ name: `${role}-key`, role, scope: role === 'partner' ? { product: ['api'] } : null });
    const res = await ingest('tickets', jsonl([{ ticket_id: `by-${role}`, channel: 'email', created_at: '2025-03-10T10:00:00Z' }]), key);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      errors: [{ message: `POST /ingest: needs the ingest or admin role (this key is ${role})`, extensions: { code: 'FORBIDDEN' } }],
    });
    expect(await api.db.dataSource.query(`SELECT 1 FROM tickets WHERE external_id = $1`, [`by-${role}`])).toEqual([]);
  });

  it('takes keys of the INGEST role created over GraphQL, which have no scope', async () => {
    const created = await api.graphql(`mutation { createApiKey(name: "n8n", role: INGEST) { secret key { role scope { product } } } }`);
    expect(created.errors).toBeUndefined();
    expect(created.data.createApiKey.key).toEqual({ role: 'INGEST', scope: null });
    const res = await ingest('agents', jsonl([{ agent_id: 'A9', name: 'Nia' }]), created.data.createApiKey.secret);
    expect(res.status).toBe(200);
    const scoped = await api.graphql(`mutation { createApiKey(name: "n8n-scoped", role: INGEST, scope: { product: ["api"] }) { secret } }`);
    expect(scoped.errors?.[0]).toMatchObject({
      message: 'scope: only partner keys have a scope (ingest keys read nothing)',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('lets an admin key ingest', async () => {
    const res = await ingest('agents', jsonl([{ agent_id: 'A1', name: 'Ann', team: 'tier1' }]), api.adminKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ read: 1, inserted: 1 });
  });

  it.each([
    ['no key', {}],
    ['an unknown key', { authorization: `Bearer dmk_000000000000_${'A'.repeat(43)}` }],
  ])('refuses a request with %s with 401', async (_case, headers) => {
    const res = await ingest('tickets', jsonl(TICKETS), null, headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="deskmetrics"');
    expect((await res.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('POST /ingest/<entity> behind the limits', () => {
  it('counts failed authentications per address like /graphql (429 once AUTH_FAILURES_PER_MINUTE are spent)', async () => {
    const api = await startTestApi({ AUTH_FAILURES_PER_MINUTE: 2 }, { auth: true });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${api.url}/ingest/tickets`, { method: 'POST', body: '{}' });
        statuses.push(res.status);
        await res.body?.cancel();
      }
      expect(statuses).toEqual([401, 401, 429]);
    } finally {
      await api.close();
    }
  });

  it('charges each request to its key’s rate-limit bucket like /graphql (429 when it is empty)', async () => {
    const api = await startTestApi({ MAX_QUERY_COST: 2, RATE_LIMIT_BURST_COST: 2, RATE_LIMIT_COST_PER_SECOND: 0.001 }, { auth: true });
    try {
      const key = await api.createKey({ name: 'busy-webhook', role: 'ingest' });
      const body = jsonl([{ agent_id: 'A1', name: 'Ann' }]);
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await fetch(`${api.url}/ingest/agents`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body });
        statuses.push(res.status);
        await res.body?.cancel();
      }
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await api.close();
    }
  });
});

describe('POST /ingest/<entity> of several batches into an empty table (the importer’s bulk load)', () => {
  it('rejects the whole request on a duplicate id and leaves the table empty, then loads the corrected request', async () => {
    const api = await startTestApi({ IMPORT_BATCH_SIZE: 2 }, { auth: true });
    try {
      const key = await api.createKey({ name: 'etl', role: 'ingest' });
      const agents = Array.from({ length: 7 }, (_, i) => ({ agent_id: `A${i}`, name: `Agent ${i}` }));
      const send = (records: Record<string, unknown>[]) =>
        fetch(`${api.url}/ingest/agents`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: jsonl(records) });
      const bad = await send([...agents, { agent_id: 'A2', name: 'Again' }]);
      expect(bad.status).toBe(422);
      expect((await bad.json()).rejected).toEqual([expect.stringMatching(/^line 8 column agent_id — duplicate agent_id "A2": already on line 3/)]);
      expect((await api.db.dataSource.query(`SELECT count(*) AS n FROM agents`))[0].n).toBe('0');
      const good = await send(agents);
      expect(good.status).toBe(200);
      expect(await good.json()).toMatchObject({ read: 7, inserted: 7, updated: 0, unchanged: 0 });
    } finally {
      await api.close();
    }
  });
});
