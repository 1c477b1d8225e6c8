import { startTestApi, type GraphQLResponse, type TestApi } from '../support/test-api';

// A partner whose key is scoped to the api product tries to read the billing product's data through every entry point.
// Billing is the only product with email tickets, enterprise customers, the billing-team and agent a2, so any of those
// words in an answer is a leak, whatever the entry point.
const LEAK = /billing|enterprise|email|"a2"|"c2"/;
const MARCH = `period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }`;
const APRIL = `period: { from: "2025-04-01T00:00:00Z", to: "2025-05-01T00:00:00Z" }`;
const HISTORY = `history: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }`;
// Email is the billing product's channel; the plan's 14 days of history include its tickets of 2 March.
const STAFFING = `channel: EMAIL, from: "2025-03-09T00:00:00Z", days: 1, historyDays: 14, ahtSeconds: 300`;

interface EntryPoint {
  name: string;
  query: string;
  variables?: Record<string, unknown>;
  /** 'forbidden': refused with FORBIDDEN (no data); otherwise a check of the in-scope answer. */
  expect: 'forbidden' | ((res: GraphQLResponse) => void);
}

const ok = (check: (data: any) => void) => (res: GraphQLResponse) => {
  expect(res.errors).toBeUndefined();
  check(res.data);
};

// Every way into the data; a new entry point gets its queries here, in scope and out.
const ENTRY_POINTS: EntryPoint[] = [
  {
    name: 'a total',
    query: `{ ticketVolume(${MARCH}) { value sampleSize } }`,
    expect: ok((d) => expect(d.ticketVolume).toEqual({ value: 3, sampleSize: 3 })),
  },
  { name: 'a filter on another product', query: `{ ticketVolume(${MARCH}, product: ["billing"]) { value } }`, expect: 'forbidden' },
  {
    name: 'a filter on another product in a variable',
    query: `query($p: [String!]) { ticketVolume(${MARCH}, product: $p) { value } }`,
    variables: { p: ['billing'] },
    expect: 'forbidden',
  },
  {
    name: 'a filter mixing its product and another',
    query: `{ ticketVolume(${MARCH}, product: ["api", "billing"]) { value } }`,
    expect: 'forbidden',
  },
  { name: 'a filter on another product of a survey metric', query: `{ csat(${MARCH}, product: ["billing"]) { value } }`, expect: 'forbidden' },
  { name: 'a filter on another product of a customer metric', query: `{ churnRate(${MARCH}, product: ["billing"]) { value } }`, expect: 'forbidden' },
  {
    name: 'a filter on an unscoped dimension (intersected with the scope)',
    query: `{ other: ticketVolume(${MARCH}, channel: [EMAIL]) { value } own: ticketVolume(${MARCH}, channel: [CHAT]) { value } }`,
    expect: ok((d) => expect(d).toEqual({ other: { value: 0 }, own: { value: 3 } })),
  },
  {
    name: 'a series',
    query: `{ ticketVolume(${MARCH}) { series(granularity: MONTH) { value } } }`,
    expect: ok((d) => expect(d.ticketVolume.series).toEqual([{ value: 3 }])),
  },
  {
    name: 'breakdowns by every dimension',
    query: `{ ticketVolume(${MARCH}) { p: breakdown(by: PRODUCT) { segment value } c: breakdown(by: CHANNEL) { segment value }
      t: breakdown(by: TEAM) { segment value } a: breakdown(by: AGENT) { segment value } tier: breakdown(by: TIER) { segment value } } }`,
    expect: ok((d) =>
      expect(d.ticketVolume).toEqual({
        p: [{ segment: 'api', value: 3 }],
        c: [{ segment: 'chat', value: 3 }],
        t: [{ segment: 'api-team', value: 3 }],
        a: [{ segment: 'a1', value: 3 }],
        tier: [{ segment: 'pro', value: 3 }],
      }),
    ),
  },
  {
    name: 'a breakdown through a fragment',
    query: `fragment F on TicketMetric { breakdown(by: PRODUCT) { segment } } { ticketVolume(${MARCH}) { ...F } }`,
    expect: ok((d) => expect(d.ticketVolume.breakdown).toEqual([{ segment: 'api' }])),
  },
  {
    name: 'aliases: one in scope, one not',
    query: `{ mine: ticketVolume(${MARCH}) { value } theirs: ticketVolume(${MARCH}, product: ["billing"]) { value } }`,
    expect: (res) => {
      // Metric fields are non-null, so the refused one nulls the whole answer: nothing from either alias gets out.
      expect(res.data).toBeNull();
      expect(res.errors).toEqual([expect.objectContaining({ path: ['theirs'], extensions: { code: 'FORBIDDEN', argument: 'product' } })]);
    },
  },
  {
    name: 'a comparison with the previous period',
    query: `{ ticketVolume(${APRIL}) { value comparison { previousValue previousSampleSize } } }`,
    expect: ok((d) => expect(d.ticketVolume).toEqual({ value: 0, comparison: { previousValue: 3, previousSampleSize: 3 } })),
  },
  { name: 'a baseline', query: `{ ticketVolume(${APRIL}) { baseline(periods: 1) } }`, expect: ok((d) => expect(d.ticketVolume.baseline).toBe(3)) },
  {
    name: 'drivers by product against a chosen period',
    query: `{ ticketVolume(${APRIL}) { drivers(by: PRODUCT, comparedTo: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }) { segments { segment } } } }`,
    expect: ok((d) => expect(d.ticketVolume.drivers.segments).toEqual([{ segment: 'api' }])),
  },
  {
    name: 'dimension values of every dimension',
    query: `{ p: dimensionValues(dimension: PRODUCT) c: dimensionValues(dimension: CHANNEL) t: dimensionValues(dimension: TEAM)
      a: dimensionValues(dimension: AGENT) tier: dimensionValues(dimension: TIER) }`,
    expect: ok((d) => expect(d).toEqual({ p: ['api'], c: ['chat'], t: ['api-team'], a: ['a1'], tier: ['pro'] })),
  },
  {
    name: 'the data status (its scope’s tickets only)',
    query: `{ dataStatus { importRun dataThrough { fact latest } rollupsCurrent } }`,
    expect: ok((d) => expect(d.dataStatus.dataThrough.map((f: { fact: string }) => f.fact)).toEqual(['tickets'])),
  },
  {
    name: 'the catalogue',
    query: `{ metricCatalogue { name dimensions } }`,
    expect: ok((d) => {
      const names = d.metricCatalogue.map((m: any) => m.name);
      expect(names).toContain('ticketVolume');
      expect(names).not.toContain('agentUtilizationRate');
      for (const m of d.metricCatalogue) expect(m.dimensions).toContain('PRODUCT');
    }),
  },
  {
    name: 'anomalies',
    query: `{ ticketVolume(${MARCH}) { anomalies { localStart value } } }`,
    expect: ok((d) => expect(d.ticketVolume.anomalies).toEqual([{ localStart: '2025-03-02T00:00:00', value: 3 }])),
  },
  { name: 'anomalies of another product', query: `{ ticketVolume(${MARCH}, product: ["billing"]) { anomalies { value } } }`, expect: 'forbidden' },
  {
    name: 'a volume forecast',
    query: `{ ticketVolumeForecast(${HISTORY}, granularity: DAY, horizon: 3) { history { value } } }`,
    expect: ok((d) => expect(d.ticketVolumeForecast.history.reduce((sum: number, h: any) => sum + h.value, 0)).toBe(3)),
  },
  {
    name: 'a volume forecast of another product',
    query: `{ ticketVolumeForecast(${HISTORY}, granularity: DAY, horizon: 3, product: ["billing"]) { model } }`,
    expect: 'forbidden',
  },
  {
    name: 'a churn forecast',
    query: `{ churnForecast(${HISTORY}, horizon: 1) { activeBase } }`,
    expect: ok((d) => expect(d.churnForecast.activeBase).toBe(1)),
  },
  {
    name: 'a churn forecast of another product',
    query: `{ churnForecast(${HISTORY}, horizon: 1, product: ["billing"]) { activeBase } }`,
    expect: 'forbidden',
  },
  {
    name: "a staffing plan for the other product's channel",
    query: `{ staffingPlan(${STAFFING}) { intervals { contacts } } }`,
    expect: ok((d) => expect(d.staffingPlan.intervals.every((i: any) => i.contacts === 0)).toBe(true)),
  },
  { name: 'a staffing plan of another product', query: `{ staffingPlan(${STAFFING}, product: ["billing"]) { model } }`, expect: 'forbidden' },
  {
    name: 'records (drill-down)',
    query: `{ ticketVolume(${MARCH}) { records(first: 2) { totalCount pageInfo { hasNextPage } nodes { ticketId customerId channel product tier agent team } } } }`,
    expect: ok((d) => {
      expect(d.ticketVolume.records.totalCount).toBe(3);
      expect(d.ticketVolume.records.nodes).toEqual(
        [1, 2].map((i) => ({ ticketId: `api${i}`, customerId: 'c1', channel: 'chat', product: 'api', tier: 'pro', agent: 'a1', team: 'api-team' })),
      );
    }),
  },
  {
    name: 'records of a survey metric (surveys of the other product only)',
    query: `{ csat(${MARCH}) { records { totalCount nodes { sourceId ticketId } } } }`,
    expect: ok((d) => expect(d.csat.records).toEqual({ totalCount: 0, nodes: [] })),
  },
  {
    name: 'records of another product',
    query: `{ ticketVolume(${MARCH}, product: ["billing"]) { records { nodes { ticketId } } } }`,
    expect: 'forbidden',
  },
  { name: 'a metric that cannot be limited to a product', query: `{ agentUtilizationRate(${MARCH}) { value } }`, expect: 'forbidden' },
  {
    name: 'targets: its own segment only, never the company-wide or another segment’s',
    query: `{ all: ticketVolume(${MARCH}) { target } own: ticketVolume(${MARCH}, product: ["api"]) { target } }`,
    expect: ok((d) => expect(d).toEqual({ all: { target: 7 }, own: { target: 7 } })),
  },
  { name: 'the list of targets', query: `{ metricTargets { metric segment } }`, expect: 'forbidden' },
  { name: 'business calendars', query: `{ businessCalendars { name } }`, expect: 'forbidden' },
  {
    name: 'setting a target',
    query: `mutation { setMetricTarget(metric: "ticketVolume", target: 1, filter: { product: ["api"] }) { target } }`,
    expect: 'forbidden',
  },
  { name: 'creating a key', query: `mutation { createApiKey(name: "sneaky", role: ADMIN) { secret } }`, expect: 'forbidden' },
  { name: 'listing keys', query: `{ apiKeys { name scope { product } } }`, expect: 'forbidden' },
  { name: 'the audit log', query: `{ auditLog { keyName query } }`, expect: 'forbidden' },
];

describe('a partner scoped to one product', () => {
  let api: TestApi;
  let partnerKey: string;
  let analystKey: string;

  beforeAll(async () => {
    api = await startTestApi({}, { auth: true });
    const q = (sql: string) => api.db.dataSource.query(sql);
    await q(
      `INSERT INTO customers (external_id, tier, product, signed_up_at) VALUES ('c1', 'pro', 'api', '2024-01-01Z'), ('c2', 'enterprise', 'billing', '2024-01-01Z')`,
    );
    await q(`INSERT INTO agents (external_id, name, team) VALUES ('a1', 'Ann', 'api-team'), ('a2', 'Bo', 'billing-team')`);
    await q(
      `INSERT INTO tickets (external_id, channel, product, customer_id, assignee_id, created_at, abandoned_at)
       SELECT 'api' || i, 'chat', 'api', (SELECT id FROM customers WHERE external_id = 'c1'), (SELECT id FROM agents WHERE external_id = 'a1'),
              '2025-03-02T00:00:00Z'::timestamptz + i * interval '1 hour', NULL::timestamptz FROM generate_series(1, 3) i
       UNION ALL
       SELECT 'bil' || i, 'email', 'billing', (SELECT id FROM customers WHERE external_id = 'c2'), (SELECT id FROM agents WHERE external_id = 'a2'),
              '2025-03-02T00:00:00Z'::timestamptz + i * interval '1 hour', '2025-03-05T00:00:00Z'::timestamptz FROM generate_series(1, 5) i`,
    );
    await q(
      `INSERT INTO surveys (external_id, kind, score, responded_at, ticket_id) SELECT 's' || id, 'csat', 5, '2025-03-10Z', id FROM tickets WHERE product = 'billing'`,
    );
    for (const [filter, target] of [
      ['', 100],
      ['filter: { product: ["billing"] }', 50],
      ['filter: { product: ["api"] }', 7],
    ] as const) {
      const res = await api.graphql(`mutation { setMetricTarget(metric: "ticketVolume", target: ${target}, ${filter}) { target } }`);
      expect(res.errors).toBeUndefined();
    }
    partnerKey = await api.createKey({ name: 'acme', role: 'partner', scope: { product: ['api'] } });
    analystKey = await api.createKey({ name: 'analyst', role: 'analyst' });
  });
  afterAll(async () => api?.close());

  it('is up against data that exists: an analyst sees both products', async () => {
    const res = await api.graphql(
      `{ ticketVolume(${MARCH}) { value breakdown(by: PRODUCT) { segment } anomalies { value } } churnForecast(${HISTORY}, horizon: 1) { activeBase }
         staffingPlan(${STAFFING}) { intervals { contacts } } }`,
      undefined,
      { key: analystKey },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.ticketVolume).toEqual({ value: 8, breakdown: [{ segment: 'api' }, { segment: 'billing' }], anomalies: [{ value: 8 }] });
    expect(res.data.churnForecast.activeBase).toBe(2);
    expect(res.data.staffingPlan.intervals.some((i: any) => i.contacts > 0)).toBe(true);
  });

  it.each(ENTRY_POINTS.map((e) => [e.name, e] as const))('reads only in-scope data through %s', async (_name, entry) => {
    const res = await api.graphql(entry.query, entry.variables, { key: partnerKey });
    expect(JSON.stringify(res)).not.toMatch(LEAK);
    if (entry.expect === 'forbidden') {
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
      expect(Object.values(res.data ?? {}).filter((v) => v !== null)).toEqual([]);
    } else {
      entry.expect(res);
    }
  });

  it('is told which argument is out of scope, without the value being echoed', async () => {
    const res = await api.graphql(`{ ticketVolume(${MARCH}, product: ["billing"]) { value } }`, undefined, { key: partnerKey });
    expect(res.errors?.[0]).toMatchObject({ message: 'product: not in your scope', extensions: { code: 'FORBIDDEN', argument: 'product' } });
  });

  it('cannot tell a product that exists from one that does not', async () => {
    const real = await api.graphql(`{ ticketVolume(${MARCH}, product: ["billing"]) { value } }`, undefined, { key: partnerKey });
    const made_up = await api.graphql(`{ ticketVolume(${MARCH}, product: ["no-such-product"]) { value } }`, undefined, { key: partnerKey });
    expect(made_up).toEqual(real);
  });
});
