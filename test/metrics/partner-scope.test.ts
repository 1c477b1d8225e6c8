import type { Caller } from '../../src/auth/caller';
import { startTestApi, type TestApi } from '../support/test-api';

// A partner limited to the api product: every entry point must answer from api tickets only, or refuse.
const PARTNER: Caller = { role: 'partner', scope: { product: ['api'] }, keyId: null, name: 'acme' };
const P = `period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }`;

describe('a partner scoped to one product', () => {
  let api: TestApi;
  let admin: TestApi;
  const seed = async (t: TestApi) => {
    await t.db.dataSource.query(`INSERT INTO customers (external_id, tier, product, signed_up_at) VALUES ('c1', 'pro', 'api', '2024-01-01Z'), ('c2', 'enterprise', 'billing', '2024-01-01Z')`);
    await t.db.dataSource.query(`INSERT INTO agents (external_id, name, team) VALUES ('a1', 'Ann', 'api-team'), ('a2', 'Bo', 'billing-team')`);
    await t.db.dataSource.query(
      `INSERT INTO tickets (external_id, channel, product, customer_id, assignee_id, created_at, abandoned_at)
       SELECT 'api' || i, 'chat', 'api', (SELECT id FROM customers WHERE external_id = 'c1'), (SELECT id FROM agents WHERE external_id = 'a1'),
              '2025-03-02T00:00:00Z'::timestamptz + i * interval '1 hour', NULL::timestamptz FROM generate_series(1, 3) i
       UNION ALL
       SELECT 'bil' || i, 'email', 'billing', (SELECT id FROM customers WHERE external_id = 'c2'), (SELECT id FROM agents WHERE external_id = 'a2'),
              '2025-03-02T00:00:00Z'::timestamptz + i * interval '1 hour', '2025-03-05T00:00:00Z'::timestamptz FROM generate_series(1, 5) i`,
    );
    await t.db.dataSource.query(`INSERT INTO surveys (external_id, kind, score, responded_at, ticket_id) SELECT 's' || id, 'csat', 5, '2025-03-10Z', id FROM tickets WHERE product = 'billing'`);
  };
  beforeAll(async () => {
    api = await startTestApi({}, { caller: PARTNER });
    admin = await startTestApi();
    await seed(api);
    await seed(admin);
  });
  afterAll(async () => {
    await api?.close();
    await admin?.close();
  });

  it('sees only its product in totals, series, breakdowns and comparisons', async () => {
    const res = await api.graphql(`{ ticketVolume(${P}) { value series(granularity: MONTH) { value } breakdown(by: PRODUCT) { segment value }
      channels: breakdown(by: CHANNEL) { segment value } comparison { previousValue } baseline drivers(by: CHANNEL) { segments { segment } } } }`);
    expect(res.errors).toBeUndefined();
    const v = res.data.ticketVolume;
    expect(v.value).toBe(3);
    expect(v.series).toEqual([{ value: 3 }]);
    expect(v.breakdown).toEqual([{ segment: 'api', value: 3 }]);
    expect(v.channels).toEqual([{ segment: 'chat', value: 3 }]);
    expect(v.drivers.segments.map((s: any) => s.segment)).toEqual(['chat']);
    const all = await admin.graphql(`{ ticketVolume(${P}) { value } }`);
    expect(all.data.ticketVolume.value).toBe(8);
  });

  it('sees its own data through aliases and every metric family that has the product dimension', async () => {
    const res = await api.graphql(`{ a: abandonmentRate(${P}) { value } b: abandonmentRate(${P}, product: ["api"]) { value } csat(${P}) { value sampleSize } backlog(${P}) { value } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({ a: { value: 0 }, b: { value: 0 }, csat: { value: null, sampleSize: 0 }, backlog: { value: 3 } });
  });

  it('is refused, not given an empty answer, when it filters on another product', async () => {
    const res = await api.graphql(`{ ticketVolume(${P}, product: ["billing"]) { value } }`);
    expect(res.data).toBeNull();
    expect(res.errors?.[0]).toMatchObject({ message: 'product: not in your scope', extensions: { code: 'FORBIDDEN', argument: 'product' } });
    const mixed = await api.graphql(`{ ticketVolume(${P}, product: ["api", "billing"]) { value } }`);
    expect(mixed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('is refused metrics that cannot be limited to a product, and does not see them in the catalogue', async () => {
    const res = await api.graphql(`{ agentUtilizationRate(${P}) { value } }`);
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const catalogue = await api.graphql(`{ metricCatalogue { name } }`);
    const names = catalogue.data.metricCatalogue.map((m: any) => m.name);
    expect(names).toContain('ticketVolume');
    expect(names).not.toContain('agentUtilizationRate');
  });

  it('learns only dimension values found inside its scope', async () => {
    const res = await api.graphql(`{ p: dimensionValues(dimension: PRODUCT) t: dimensionValues(dimension: TEAM) c: dimensionValues(dimension: CHANNEL) tier: dimensionValues(dimension: TIER) }`);
    expect(res.data).toEqual({ p: ['api'], t: ['api-team'], c: ['chat'], tier: ['pro'] });
  });
});
