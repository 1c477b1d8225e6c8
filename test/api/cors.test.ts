import { loadConfig } from '../../src/config/config';
import { checkServerSettings } from '../../src/api/production-mode';
import { startTestApi, type TestApi } from '../support/test-api';

const PAGE = 'http://localhost:5173';
const OTHER = 'http://evil.example';
const QUERY = '{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { value } }';

const preflight = (api: TestApi, origin: string) =>
  fetch(`${api.url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });

const post = (api: TestApi, origin: string, key?: string | null) =>
  fetch(`${api.url}/graphql`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query: QUERY }),
  });

describe('CORS for listed origins', () => {
  let api: TestApi;
  beforeAll(async () => {
    // A bucket of a few queries' cost, refilled slowly: a handful of queries in a row is rate limited.
    api = await startTestApi(
      { CORS_ORIGINS: [PAGE], MAX_QUERY_COST: 10, RATE_LIMIT_BURST_COST: 10, RATE_LIMIT_COST_PER_SECOND: 0.01 },
      { auth: true },
    );
  });
  afterAll(async () => api?.close());

  it('answers a listed origin’s preflight with 204 and what the page may send', async () => {
    const res = await preflight(api, PAGE);
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(res.headers.get('vary')).toMatch(/Origin/i);
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight']),
    );
    expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('lets the page read answers, 401 and 429 included, with the rate-limit headers', async () => {
    const ok = await post(api, PAGE, api.adminKey);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(ok.headers.get('access-control-expose-headers')?.split(',')).toEqual(expect.arrayContaining(['Retry-After', 'RateLimit-Remaining']));
    let limited = await post(api, PAGE, api.adminKey);
    for (let i = 0; limited.status === 200 && i < 20; i++) limited = await post(api, PAGE, api.adminKey);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('access-control-allow-origin')).toBe(PAGE);
    expect(limited.headers.get('retry-after')).not.toBeNull();
    const unauthenticated = await post(api, PAGE, null);
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe(PAGE);
  });

  it('gives an unlisted origin no CORS header, so its page cannot read anything', async () => {
    const res = await preflight(api, OTHER);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const answer = await post(api, OTHER, api.adminKey);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS_ORIGINS', () => {
  it('is off by default: no origin gets CORS headers', async () => {
    const api = await startTestApi();
    try {
      const res = await preflight(api, PAGE);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await api.close();
    }
  });

  it('rejects a value that is not an origin, naming it', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'http://localhost:5173,localhost:5173/' })).toThrow(/CORS_ORIGINS.*"localhost:5173\/" is not an origin/s);
  });

  it("refuses '*' in production mode", () => {
    const config = loadConfig({ CORS_ORIGINS: '*', NODE_ENV: 'production', DATABASE_STATEMENT_TIMEOUT_MS: '30000' });
    expect(config.CORS_ORIGINS).toEqual(['*']);
    expect(() => checkServerSettings(config)).toThrow(/CORS_ORIGINS='\*'/);
  });
});
