import { startTestApi, type TestApi } from '../support/test-api';

describe('HTTP server', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi();
  });
  afterAll(async () => api?.close());

  it('reports a reachable database on /healthz', async () => {
    const res = await fetch(`${api.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'reachable' });
  });

  it('serves the GraphiQL explorer to a browser with no external script or style', async () => {
    const res = await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<div id="root">');
    expect(html).not.toMatch(/<script[^>]+src=["']https?:|<link[^>]+href=["']https?:/);
  });

  it('answers GraphQL over POST', async () => {
    expect(await api.graphql('{ healthy }')).toEqual({ data: { healthy: true } });
  });

  it('turns a malformed query into a parse error, not a server error', async () => {
    const res = await api.graphql('{ ticketVolume(');
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('HTTP server whose database is gone', () => {
  it('reports 503 on /healthz', async () => {
    const api = await startTestApi();
    try {
      await api.db.dataSource.destroy();
      const res = await fetch(`${api.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ database: 'unreachable' });
    } finally {
      await api.close();
    }
  });
});
