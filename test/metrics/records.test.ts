import { folderSource, importDataset } from '../../src/import';
import { METRICS } from '../../src/metrics/registry';
import { ACCEPTANCE_DIR, loadExpectedCases, relativeError } from '../support/expected-cases';
import { startTestApi, type GraphQLResponse, type TestApi } from '../support/test-api';

/**
 * Drill-down: every metric's `records` are the records its value is computed from. On the acceptance dataset, for every
 * metric in the registry: their count is the sample size (also the independently computed one of expected.json), small
 * pages concatenate to the whole list with nothing twice and in the same order on every read, and where the value is a
 * mean or sum of the records' quantities it equals that of the listed records.
 */
const MARCH = { from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };
const ALL = { from: '2024-12-01T00:00:00Z', to: '2025-06-01T00:00:00Z' };
const periodArg = (p: { from: string; to: string }) => `period: { from: "${p.from}", to: "${p.to}" }`;

// Metrics whose value is, by their definition in docs/metrics.md, the mean (or sum) of what each record counted.
const MEAN_OF_QUANTITIES = [
  'firstResponseTime',
  'averageResponseTime',
  'averageResolutionTime',
  'firstContactResolutionRate',
  'slaComplianceResolution',
  'slaComplianceFirstResponse',
  'abandonmentRate',
  'escalationRate',
  'reopenRate',
  'interactionsPerTicket',
  'averageHandleTime',
  'ticketHandlingTime',
  'customerEffortScore',
];
const SUM_OF_QUANTITIES = ['revenue'];

const NODE = 'recordType sourceId ticketId customerId channel product tier priority agent team createdAt eventAt resolvedAt churnedAt quantity';

interface Node {
  recordType: string;
  sourceId: string;
  product: string | null;
  channel: string | null;
  eventAt: string;
  quantity: number | null;
}

/** Reads every page of a metric's records, `first` at a time. */
async function readAll(api: TestApi, head: string, first: number, key?: string): Promise<{ nodes: Node[]; totalCounts: number[] }> {
  const nodes: Node[] = [];
  const totalCounts: number[] = [];
  let after: string | null = null;
  for (let page = 0; page < 1000; page++) {
    const res: GraphQLResponse = await api.graphql(
      `query($after: String) { m: ${head} { records(first: ${first}, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { ${NODE} } } } }`,
      { after },
      key === undefined ? undefined : { key },
    );
    expect(res.errors).toBeUndefined();
    const { records } = res.data.m as {
      records: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: Node[] };
    };
    nodes.push(...records.nodes);
    totalCounts.push(records.totalCount);
    if (!records.pageInfo.hasNextPage) return { nodes, totalCounts };
    expect(records.nodes).toHaveLength(first);
    after = records.pageInfo.endCursor;
  }
  throw new Error('more than 1000 pages');
}

const ids = (nodes: Node[]) => nodes.map((n) => `${n.recordType}:${n.sourceId}`);

describe('metric records on the acceptance dataset', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ PARTNER_MIN_GROUP_SIZE: 3, RATE_LIMIT_BURST_COST: 1_000_000 }, { auth: true });
    await importDataset(api.db.dataSource, folderSource(ACCEPTANCE_DIR), { sourceName: 'acceptance' });
    const calendar = await api.graphql(
      `mutation { setBusinessCalendar(input: { name: "weekdays", timezone: "Europe/Berlin", hours: [${[
        'MONDAY',
        'TUESDAY',
        'WEDNESDAY',
        'THURSDAY',
        'FRIDAY',
      ]
        .map((day) => `{ day: ${day}, opens: "09:00", closes: "17:00" }`)
        .join(', ')}] }) { name } }`,
    );
    expect(calendar.errors).toBeUndefined();
  }, 120_000);
  afterAll(async () => api?.close());

  describe.each(METRICS.map((m) => [m.name, m] as const))('%s', (name) => {
    it('lists exactly its sample: pages of 7 concatenate to the whole list, stable across reads', async () => {
      const head = `${name}(${periodArg(MARCH)})`;
      const value = await api.graphql(`{ m: ${head} { value sampleSize records(first: 0) { totalCount quantityUnit } } }`);
      expect(value.errors).toBeUndefined();
      const { sampleSize } = value.data.m;
      expect(sampleSize).toBeGreaterThan(0);
      expect(value.data.m.records.totalCount).toBe(sampleSize);

      const whole = await readAll(api, head, 500);
      const paged = await readAll(api, head, 7);
      const again = await readAll(api, head, 7);
      expect(new Set(ids(whole.nodes)).size).toBe(sampleSize);
      expect(ids(paged.nodes)).toEqual(ids(whole.nodes));
      expect(ids(again.nodes)).toEqual(ids(paged.nodes));
      expect(new Set(paged.totalCounts)).toEqual(new Set([sampleSize]));
      // Ordered by attribution time, each within the period.
      const times = whole.nodes.map((n) => new Date(n.eventAt).getTime());
      expect(times).toEqual([...times].sort((a, b) => a - b));

      const quantities = whole.nodes.map((n) => n.quantity!);
      if (MEAN_OF_QUANTITIES.includes(name)) {
        expect(quantities.every((q) => q !== null)).toBe(true);
        expect(relativeError(quantities.reduce((s, q) => s + q, 0) / quantities.length, value.data.m.value)).toBeLessThanOrEqual(1e-9);
      }
      if (SUM_OF_QUANTITIES.includes(name))
        expect(
          relativeError(
            quantities.reduce((s, q) => s + q, 0),
            value.data.m.value,
          ),
        ).toBeLessThanOrEqual(1e-9);
    });

    it('counts its sample over a long period too', async () => {
      const res = await api.graphql(`{ m: ${name}(${periodArg(ALL)}) { sampleSize records(first: 1) { totalCount nodes { sourceId } } } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data.m.records.totalCount).toBe(res.data.m.sampleSize);
    });
  });

  it("matches expected.json's sample size for every total case", async () => {
    const cases = loadExpectedCases().filter((c) => !c.groupBy && !c.granularity && METRICS.some((m) => m.name === c.metric));
    expect(new Set(cases.map((c) => c.metric)).size).toBeGreaterThan(15);
    for (const c of cases) {
      const filters = Object.entries(c.filter ?? {})
        .map(
          ([d, values]) => `, ${d}: [${values.map((v) => (d === 'channel' || d === 'priority' ? v.toUpperCase() : JSON.stringify(v))).join(', ')}]`,
        )
        .join('');
      const res = await api.graphql(`{ m: ${c.metric}(${periodArg(c.period!)}${filters}) { records(first: 0) { totalCount } } }`);
      expect(res.errors).toBeUndefined();
      expect([c.metric, c.filter, res.data.m.records.totalCount]).toEqual([c.metric, c.filter, c.sampleSize]);
    }
  });

  it('applies filters and business hours as the value does', async () => {
    const head = `firstResponseTime(${periodArg(MARCH)}, channel: [EMAIL, CHAT], hours: BUSINESS)`;
    const value = await api.graphql(
      `{ m: ${head} { value sampleSize } calendar: firstResponseTime(${periodArg(MARCH)}, channel: [EMAIL, CHAT]) { value } }`,
    );
    expect(value.errors).toBeUndefined();
    expect(value.data.m.value).not.toBe(value.data.calendar.value);
    const { nodes } = await readAll(api, head, 7);
    expect(nodes).toHaveLength(value.data.m.sampleSize);
    expect(new Set(nodes.map((n) => n.channel))).toEqual(new Set(['email', 'chat']));
    const mean = nodes.reduce((s, n) => s + n.quantity!, 0) / nodes.length;
    expect(relativeError(mean, value.data.m.value)).toBeLessThanOrEqual(1e-9);
  });

  describe('a partner key', () => {
    let partner: string;
    beforeAll(async () => {
      partner = await api.createKey({ name: 'billing-partner', role: 'partner', scope: { product: ['billing'] } });
    });

    it.each(METRICS.filter((m) => m.dimensions.includes('product')).map((m) => [m.name]))('sees only its scope’s records of %s', async (name) => {
      const head = `${name}(${periodArg(MARCH)})`;
      const value = await api.graphql(`{ m: ${head} { sampleSize suppressed } }`, undefined, { key: partner });
      expect(value.errors).toBeUndefined();
      const { nodes, totalCounts } = await readAll(api, head, 7, partner);
      expect(totalCounts[0]).toBe(value.data.m.sampleSize);
      expect(nodes).toHaveLength(value.data.m.sampleSize);
      expect(nodes.every((n) => n.product === 'billing')).toBe(true);
      const all = await api.graphql(`{ m: ${head} { sampleSize } }`);
      if (!value.data.m.suppressed) expect(value.data.m.sampleSize).toBeLessThan(all.data.m.sampleSize);
    });

    it('sees no records of a value withheld from it', async () => {
      // One billing ticket's creation instant: a period holding just it is below the minimum group size (3).
      const { nodes } = await readAll(api, `ticketVolume(${periodArg(MARCH)}, product: ["billing"])`, 1);
      const at = new Date(nodes[0].eventAt);
      const period = { from: at.toISOString(), to: new Date(at.getTime() + 1000).toISOString() };
      const res = await api.graphql(
        `{ m: ticketVolume(${periodArg(period)}) { suppressed records { totalCount pageInfo { hasNextPage endCursor } nodes { sourceId } } } }`,
        undefined,
        { key: partner },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.m).toEqual({ suppressed: true, records: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] } });
    });
  });

  it.each([
    ['not base64', '%%%'],
    ['base64 of something else', Buffer.from('{"a":1}').toString('base64url')],
    ['a malformed time', Buffer.from('["yesterday","1"]').toString('base64url')],
  ])('refuses a cursor that is %s, naming `after`', async (_label, after) => {
    const res = await api.graphql(`query($after: String) { ticketVolume(${periodArg(MARCH)}) { records(after: $after) { totalCount } } }`, { after });
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'after' });
  });

  it.each([[-1], [501]])('refuses first: %i, naming `first`', async (first) => {
    const res = await api.graphql(`{ ticketVolume(${periodArg(MARCH)}) { records(first: ${first}) { totalCount } } }`);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first' });
  });

  it('charges a page by its size', async () => {
    const small = await api.graphql(`{ ticketVolume(${periodArg(MARCH)}) { records(first: 10) { nodes { sourceId } } } }`);
    expect(small.errors).toBeUndefined();
    const limit = api.config.MAX_QUERY_COST;
    // Aliases of full pages add up past the cost limit, which a handful of small pages stay well within.
    const aliases = Array.from({ length: Math.ceil(limit / 500) + 1 }, (_, i) => `p${i}: records(first: 500) { nodes { sourceId } }`).join(' ');
    const big = await api.graphql(`{ ticketVolume(${periodArg(MARCH)}) { ${aliases} } }`);
    expect(big.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COSTLY');
  });
});
