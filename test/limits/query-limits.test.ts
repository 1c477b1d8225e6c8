import { getIntrospectionQuery } from 'graphql';
import { startTestApi, type TestApi } from '../support/test-api';

const TWENTY_METRICS = [
  'ticketVolume',
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
  'backlog',
  'csat',
  'csatSatisfiedShare',
  'nps',
  'customerEffortScore',
  'churnRate',
  'retentionRate',
];

// A real dashboard: twenty metrics over a quarter, each with its value, a daily series and the previous-period comparison.
const DASHBOARD = `query Dashboard($p: PeriodInput!) {
  ${TWENTY_METRICS.map((m) => `${m}(period: $p) { value sampleSize series(granularity: DAY) { localStart value } comparison { previousValue relativeChange } }`).join('\n  ')}
}`;
const QUARTER = { from: '2025-01-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };
const TEN_YEARS = `period: { from: "2015-01-01T00:00:00Z", to: "2025-01-01T00:00:00Z" }`;

const codes = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);

describe('query limits at their defaults', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({}, { auth: true });
  });
  afterAll(async () => api?.close());

  it('let a 20-metric dashboard with daily series over a quarter through', async () => {
    const res = await api.post({ query: DASHBOARD, variables: { p: QUARTER } }, { authorization: `Bearer ${api.adminKey}` });
    const body = await res.json();
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data)).toHaveLength(20);
    expect(body.data.ticketVolume.series).toHaveLength(90);
    expect(Number(res.headers.get('ratelimit-remaining'))).toBeLessThan(Number(res.headers.get('ratelimit-limit')));
  });

  it("let the explorer's full introspection query through", async () => {
    const res = await api.graphql(getIntrospectionQuery());
    expect(res.errors).toBeUndefined();
    expect(res.data.__schema.queryType.name).toBe('Query');
  });

  it('refuse too many aliases before running anything', async () => {
    api.statements.length = 0;
    const res = await api.graphql(`{ ${Array.from({ length: 51 }, (_, i) => `h${i}: healthy`).join(' ')} }`);
    expect(codes(res)).toEqual(['TOO_MANY_ALIASES']);
    expect(res.errors?.[0].message).toMatch(/MAX_QUERY_ALIASES/);
    expect(api.statements).toEqual([]);
  });

  it('refuse a query whose series would be too costly, naming the setting', async () => {
    api.statements.length = 0;
    const series = ['a', 'b', 'c'].map((a) => `${a}: ticketVolume(${TEN_YEARS}) { series(granularity: DAY) { value } }`).join(' ');
    const res = await api.post({ query: `{ ${series} }` }, { authorization: `Bearer ${api.adminKey}` });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(codes(body)).toEqual(['QUERY_TOO_COSTLY']);
    expect(body.errors[0].message).toMatch(/estimated cost \d+ exceeds the maximum of 10000 \(MAX_QUERY_COST\)/);
    expect(api.statements).toEqual([]);
    // One such series on its own is affordable: the cost is the bucket count, not a flat charge per series.
    const one = await api.graphql(`{ ticketVolume(${TEN_YEARS}) { series(granularity: DAY) { value } } }`);
    expect(one.errors).toBeUndefined();
  });

  it('refuse too many directives', async () => {
    const res = await api.graphql(`{ healthy ${'@include(if: true) '.repeat(21)} }`);
    expect(codes(res)).toContain('TOO_MANY_DIRECTIVES');
  });

  it('refuse a document with too many tokens before parsing it', async () => {
    const res = await api.post({ query: `{ ${'a '.repeat(5001)}}` }, { authorization: `Bearer ${api.adminKey}` });
    expect(res.status).toBe(400);
    expect(codes(await res.json())).toEqual(['TOO_MANY_TOKENS']);
  });

  it('refuse a document over the character limit', async () => {
    const res = await api.post({ query: `{ healthy }\n#${'x'.repeat(20_000)}` }, { authorization: `Bearer ${api.adminKey}` });
    expect(res.status).toBe(413);
    expect(codes(await res.json())).toEqual(['QUERY_TOO_LARGE']);
  });
});

describe('tight query limits', () => {
  let api: TestApi;
  // About 95: a daily series over 90 days (91 buckets) plus its metric, value and bucket fields.
  const QUARTER_SERIES = `{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }) { value series(granularity: DAY) { value } } }`;
  beforeAll(async () => {
    api = await startTestApi({ MAX_QUERY_DEPTH: 3, MAX_QUERY_COST: 300, RATE_LIMIT_BURST_COST: 300, RATE_LIMIT_COST_PER_SECOND: 1 }, { auth: true });
  });
  afterAll(async () => api?.close());

  it('refuse a query nested deeper than MAX_QUERY_DEPTH', async () => {
    const res = await api.graphql(
      `{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { drivers(by: CHANNEL) { segments { segment } } } }`,
    );
    expect(codes(res)).toEqual(['QUERY_TOO_DEEP']);
    expect(res.errors?.[0].message).toMatch(/MAX_QUERY_DEPTH/);
  });

  it('refuse a burst over the rate limit with 429, Retry-After and the RateLimit headers, per key', async () => {
    const burstKey = await api.createKey({ name: 'burst', role: 'analyst' });
    const send = () => api.post({ query: QUARTER_SERIES }, { authorization: `Bearer ${burstKey}` });
    const remaining: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 10 && !refused; i++) {
      const res = await send();
      if (res.status === 429) refused = res;
      else {
        expect(res.status).toBe(200);
        expect(res.headers.get('ratelimit-limit')).toBe('300');
        remaining.push(Number(res.headers.get('ratelimit-remaining')));
      }
    }
    expect(remaining.length).toBe(3);
    expect(remaining[1]).toBeLessThan(remaining[0]);
    expect(refused).toBeDefined();
    const body = await refused!.json();
    expect(codes(body)).toEqual(['RATE_LIMITED']);
    expect(body.data).toBeUndefined();
    expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused!.headers.get('ratelimit-remaining'))).toBeLessThan(95);
    // Another key has its own bucket.
    const other = await api.post({ query: QUARTER_SERIES }, { authorization: `Bearer ${api.adminKey}` });
    expect(other.status).toBe(200);
  });
});
