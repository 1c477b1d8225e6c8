import { Writable } from 'node:stream';
import pino from 'pino';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startTestApi, type TestApi } from '../support/test-api';

// An outage needs a database across a network: the embedded PGlite runs in this process and cannot become unreachable.
const url = process.env.DATABASE_URL;
const onPostgres = url ? describe : describe.skip;
if (!url) {
  describe('database outages', () => {
    it.skip('need PostgreSQL (DATABASE_URL): PGlite runs in-process and cannot be cut off', () => undefined);
  });
}

/** A logger whose JSON lines the test reads. */
function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** An API over PostgreSQL reached through a proxy the test controls. */
async function apiBehindProxy(auth: boolean) {
  const target = new URL(url!);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(url!);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(proxy.port);
  const { logger, lines } = capturedLogger();
  const api = await startTestApi(
    { HEALTH_CHECK_TIMEOUT_MS: 500, DATABASE_CONNECT_TIMEOUT_MS: 1000 },
    { auth, logger, databaseEnv: { DATABASE_URL: proxied.toString(), DATABASE_CONNECT_TIMEOUT_MS: '1000' } },
  );
  return { api, proxy, lines };
}

async function expectUnavailable(res: Response) {
  expect(res.status).toBe(503);
  expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  const text = await res.text();
  expect(text).not.toMatch(/stack|at .*\.js|ECONNREFUSED|127\.0\.0\.1/);
  return JSON.parse(text) as { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
}

const outageLines = (lines: string[]) => lines.filter((l) => /database unreachable/.test(l));
const recoveryLines = (lines: string[]) => lines.filter((l) => /database reachable again/.test(l));

onPostgres('a database that cannot be reached', () => {
  let api: TestApi;
  let proxy: TcpProxy;
  let lines: string[];
  beforeAll(async () => {
    ({ api, proxy, lines } = await apiBehindProxy(true));
  });
  afterAll(async () => {
    await proxy?.restore();
    await api?.close();
    await proxy?.close();
  });

  it('answers DATABASE_UNAVAILABLE with 503 and Retry-After, logs the outage once and the recovery once', async () => {
    await proxy.cut();
    for (let i = 0; i < 5; i++) {
      const body = await expectUnavailable(await api.post({ query: '{ healthy }' }, { authorization: `Bearer ${api.adminKey}` }));
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['DATABASE_UNAVAILABLE']);
    }
    expect(await await expectUnavailable(await fetch(`${api.url}/healthz`))).toMatchObject({ database: 'unreachable' });
    expect(outageLines(lines)).toHaveLength(1);
    expect(lines.join('\n')).not.toMatch(/"stack"/);

    await proxy.restore();
    const back = await api.post({ query: '{ healthy }' }, { authorization: `Bearer ${api.adminKey}` });
    expect(await back.json()).toEqual({ data: { healthy: true } });
    expect(recoveryLines(lines)).toHaveLength(1);
    expect(outageLines(lines)).toHaveLength(1);
  });
});

onPostgres('a database that stops answering', () => {
  let api: TestApi;
  let proxy: TcpProxy;
  beforeAll(async () => {
    // A fixed caller: the request reaches the resolvers, whose statement waits for a pooled connection.
    ({ api, proxy } = await apiBehindProxy(false));
  });
  afterAll(async () => {
    await proxy?.cut();
    await proxy?.restore();
    await api?.close();
    await proxy?.close();
  });

  it('answers /healthz within HEALTH_CHECK_TIMEOUT_MS and a query within DATABASE_CONNECT_TIMEOUT_MS', async () => {
    proxy.freeze();
    // Enough health checks to hold every pooled connection on the frozen link.
    const started = Date.now();
    const checks = await Promise.all(Array.from({ length: 6 }, () => fetch(`${api.url}/healthz`)));
    expect(Date.now() - started).toBeLessThan(500 + 1500);
    for (const res of checks) await expectUnavailable(res);

    const asked = Date.now();
    const body = await expectUnavailable(await api.post({ query: '{ healthy }' }));
    expect(Date.now() - asked).toBeLessThan(1000 + 1500);
    expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['DATABASE_UNAVAILABLE']);
  });
});

// Without keys the request's own statement meets the frozen link; with keys, the key lookup does first.
(url ? describe.each([{ auth: false }, { auth: true }]) : describe.skip.each([{ auth: false }]))(
  'a connection that stops forwarding while a statement waits on it (keys: $auth)',
  ({ auth }) => {
    let api: TestApi;
    let proxy: TcpProxy;
    let lines: string[];
    beforeAll(async () => {
      const target = new URL(url!);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      const proxied = new URL(url!);
      proxied.hostname = '127.0.0.1';
      proxied.port = String(proxy.port);
      const captured = capturedLogger();
      lines = captured.lines;
      const timeouts = { HEALTH_CHECK_TIMEOUT_MS: 500, DATABASE_CONNECT_TIMEOUT_MS: 500, DATABASE_STATEMENT_TIMEOUT_MS: 1000 };
      api = await startTestApi(timeouts, {
        auth,
        logger: captured.logger,
        databaseEnv: { DATABASE_URL: proxied.toString(), DATABASE_CONNECT_TIMEOUT_MS: '500', DATABASE_STATEMENT_TIMEOUT_MS: '1000' },
      });
    });
    afterAll(async () => {
      await proxy?.restore();
      await api?.close();
      await proxy?.close();
    });

    it('answers DATABASE_UNAVAILABLE instead of waiting for an answer that never comes, then recovers', async () => {
      const headers: Record<string, string> = api.adminKey ? { authorization: `Bearer ${api.adminKey}` } : {};
      // A pooled connection exists, so the next request's statement is sent on it (no new connection to time out).
      expect(await (await api.post({ query: '{ healthy }' }, headers)).json()).toEqual({ data: { healthy: true } });
      proxy.freeze();
      // PostgreSQL's statement timeout never reaches us through a frozen link: the server must give the connection up.
      const res = await fetch(`${api.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ healthy }' }),
        signal: AbortSignal.timeout(15_000),
      });
      const body = await expectUnavailable(res);
      expect(body.errors?.map((e) => e.extensions?.code)).toEqual(['DATABASE_UNAVAILABLE']);
      expect(outageLines(lines)).toHaveLength(1);

      await proxy.restore();
      // The abandoned connection is not handed to the next request.
      for (let i = 0; i < 3; i++) expect(await (await api.post({ query: '{ healthy }' }, headers)).json()).toEqual({ data: { healthy: true } });
      expect(recoveryLines(lines)).toHaveLength(1);
    }, 30_000);
  },
);
