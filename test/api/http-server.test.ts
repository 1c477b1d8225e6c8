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

describe('HTTP server refusing a request body', () => {
  let api: TestApi;
  beforeAll(async () => {
    // Development mode is where Express's own error page shows a stack trace.
    api = await startTestApi({ NODE_ENV: 'development' }, { auth: true });
  });
  afterAll(async () => api?.close());

  const post = (body: string) => fetch(`${api.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it.each([
    ['malformed JSON', '{"query": "{ healthy }"', 400, 'BAD_REQUEST'],
    ['an oversized body', JSON.stringify({ query: '{ healthy }', variables: { pad: 'x'.repeat(1_100_000) } }), 413, 'REQUEST_TOO_LARGE'],
  ])('answers %s with a JSON error and no stack, before authentication', async (_case, body, status, code) => {
    const res = await post(body);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await res.text();
    expect(text).not.toMatch(/<html|<pre>|stack|at .*\.js|node_modules/i);
    expect(JSON.parse(text)).toEqual({ errors: [{ message: expect.stringMatching(/^request body: /), extensions: { code } }] });
  });
});
