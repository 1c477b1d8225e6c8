import pino from 'pino';
import { loadConfig } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';
import { RedisBuckets } from '../../src/limits/redis-buckets';
import { SharedRedis } from '../../src/shared/shared-redis';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { redisAvailable, removeTestKeys, TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis';
import { startTestApi, type TestApi } from '../support/test-api';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

// About 95: a daily series over 90 days.
const QUARTER_SERIES = `{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }) { value series(granularity: DAY) { value } } }`;
// Refill so slow (0.001 a second) that nothing comes back during a test.
const NO_REFILL = { MAX_QUERY_COST: 300, RATE_LIMIT_BURST_COST: 300, RATE_LIMIT_COST_PER_SECOND: 0.001 };

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: { msg: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines, count: (pattern: RegExp) => lines.filter((l) => pattern.test(l.msg)).length };
}

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((r) => setTimeout(r, 100));
}

(redisAvailable('shared limits') ? describe : describe.skip)('several server processes sharing one Redis', () => {
  let db: TestDatabase;
  let servers: TestApi[] = [];
  let proxy: TcpProxy | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
    servers = [];
    await proxy?.close();
    proxy = undefined;
  });
  afterAll(async () => {
    await db?.destroy();
    // Buckets that refill this slowly would stay for days.
    await removeTestKeys();
  });

  /** Two API servers on one database and one Redis key prefix, as two processes behind a load balancer. */
  async function twoServers(overrides: Record<string, unknown> = {}, redisUrl = TEST_REDIS_URL, loggers: ReturnType<typeof createLogger>[] = []) {
    const shared = { REDIS_URL: redisUrl, REDIS_KEY_PREFIX: uniqueRedisPrefix(), ...overrides };
    const a = await startTestApi(shared, { auth: true, db, logger: loggers[0] });
    servers.push(a);
    const b = await startTestApi(shared, { auth: true, db, logger: loggers[1] });
    servers.push(b);
    return [a, b] as const;
  }

  /** Sends the query on `api` until it is refused; returns how many were answered. */
  async function spendBurst(api: TestApi, key: string): Promise<number> {
    for (let answered = 0; answered < 20; answered++) {
      const res = await api.post({ query: QUARTER_SERIES }, { authorization: `Bearer ${key}` });
      if (res.status === 429) return answered;
      expect(res.status).toBe(200);
    }
    throw new Error('the burst was never refused');
  }

  it('refuse on one process a burst spent on the other', async () => {
    const [a, b] = await twoServers(NO_REFILL);
    const key = await a.createKey({ name: 'burst', role: 'analyst' });
    expect(await spendBurst(a, key)).toBeGreaterThan(0);
    const onB = await b.post({ query: QUARTER_SERIES }, { authorization: `Bearer ${key}` });
    expect(onB.status).toBe(429);
    expect((await onB.json()).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(onB.headers.get('ratelimit-remaining'))).toBeLessThan(95);
    // Another key still has its own bucket, on either process.
    expect((await b.post({ query: QUARTER_SERIES }, { authorization: `Bearer ${b.adminKey}` })).status).toBe(200);
  });

  it('spend exactly one bucket under 40 concurrent requests over both processes', async () => {
    // Each request costs only its arrival (1): MAX_QUERY_COST=1 refuses anything dearer before charging more.
    const burst = 25;
    const [a, b] = await twoServers({ MAX_QUERY_COST: 1, RATE_LIMIT_BURST_COST: burst, RATE_LIMIT_COST_PER_SECOND: 0.001 });
    const key = await a.createKey({ name: 'concurrent', role: 'analyst' });
    const statuses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? a : b).post({ query: '{ __typename }' }, { authorization: `Bearer ${key}` }).then((r) => r.status),
      ),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(burst);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40 - burst);
  });

  it('charge a Redis bucket atomically: 40 concurrent charges over two connections spend it exactly', async () => {
    const config = loadConfig({ REDIS_URL: TEST_REDIS_URL, REDIS_KEY_PREFIX: uniqueRedisPrefix() });
    const connections = [await SharedRedis.connect(config, createLogger('silent')), await SharedRedis.connect(config, createLogger('silent'))];
    try {
      const stores = connections.map((c) => new RedisBuckets(c!, 'rate', 25, 0.001));
      const charges = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2].take('client', 1)));
      expect(charges.filter((c) => c.allowed)).toHaveLength(25);
      expect((await stores[0].peek('client')).remaining).toBe(0);
    } finally {
      await Promise.all(connections.map((c) => c!.close()));
    }
  });

  it('share the failed-authentication limit', async () => {
    const [a, b] = await twoServers({ AUTH_FAILURES_PER_MINUTE: 3 });
    for (let i = 0; i < 3; i++) expect((await a.post({ query: '{ __typename }' }, { authorization: 'Bearer dm_wrong' })).status).toBe(401);
    const refused = await b.post({ query: '{ __typename }' }, { authorization: 'Bearer dm_wrong' });
    expect(refused.status).toBe(429);
    expect((await refused.json()).errors[0].message).toMatch(/AUTH_FAILURES_PER_MINUTE/);
  });

  it('serve on one process a forecast the other computed', async () => {
    await db.dataSource.query(`
      INSERT INTO tickets (external_id, channel, product, created_at)
      SELECT 'f' || extract(epoch FROM d)::bigint || '-' || k, 'email', 'api', d + k * interval '1 minute'
      FROM generate_series('2025-01-06T00:00:00Z'::timestamptz, '2025-03-02T00:00:00Z', interval '1 day') d
      CROSS JOIN LATERAL generate_series(1, 5 + (extract(isodow FROM d)::int % 4)) k`);
    const [a, b] = await twoServers();
    const forecast = `{ ticketVolumeForecast(history: { from: "2025-01-06T00:00:00Z", to: "2025-03-03T00:00:00Z" }, granularity: DAY, horizon: 14) {
      history { start value } forecast { start localStart value intervals { level lower upper } } model accuracy { mase } } }`;
    const computed = await a.graphql(forecast);
    expect(computed.errors).toBeUndefined();
    const computingStatements = a.statements.length;
    b.statements.length = 0;
    const served = await b.graphql(forecast);
    expect(served).toEqual(computed);
    // B only read the data version (the cache key), none of the history A fitted.
    expect(b.statements.length).toBeLessThan(computingStatements);
    expect(b.statements.filter((s) => !/^\s*(BEGIN|COMMIT|ROLLBACK|SET|START)/i.test(s)).every((s) => s.includes('import_runs'))).toBe(true);
  });

  it('fall back to per-process limits while Redis is cut off, with one log line each way, and share again once it is back', async () => {
    proxy = await startTcpProxy({ host: new URL(TEST_REDIS_URL).hostname, port: Number(new URL(TEST_REDIS_URL).port) || 6379 });
    const logs = [capturingLogger(), capturingLogger()];
    const [a, b] = await twoServers(
      NO_REFILL,
      `redis://127.0.0.1:${proxy.port}`,
      logs.map((l) => l.logger),
    );
    const key = await a.createKey({ name: 'outage', role: 'analyst' });
    await spendBurst(a, key);
    const send = (api: TestApi) => api.post({ query: QUARTER_SERIES }, { authorization: `Bearer ${key}` });
    expect((await send(b)).status).toBe(429);

    await proxy.cut();
    // B's own bucket is full: no request fails because of Redis, and B answers from it.
    expect((await send(b)).status).toBe(200);
    expect((await send(b)).status).toBe(200);
    expect((await send(a)).status).toBe(200);
    for (const l of logs) expect(l.count(/^Redis unreachable/)).toBe(1);

    await proxy.restore();
    await until(() => logs.every((l) => l.count(/^Redis reachable again/) === 1));
    // Shared again: the bucket spent before the outage still refuses, on both.
    expect((await send(b)).status).toBe(429);
    expect((await send(a)).status).toBe(429);
    for (const l of logs) {
      expect(l.count(/^Redis unreachable/)).toBe(1);
      expect(l.count(/^Redis reachable again/)).toBe(1);
    }
  });

  it('answer from the process itself while Redis stops answering (slower than REDIS_TIMEOUT_MS), and share again once it answers', async () => {
    proxy = await startTcpProxy({ host: new URL(TEST_REDIS_URL).hostname, port: Number(new URL(TEST_REDIS_URL).port) || 6379 });
    const log = capturingLogger();
    const api = await startTestApi(
      { ...NO_REFILL, REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: uniqueRedisPrefix(), REDIS_TIMEOUT_MS: 200 },
      { auth: true, db, logger: log.logger },
    );
    servers.push(api);
    const key = await api.createKey({ name: 'frozen', role: 'analyst' });
    await spendBurst(api, key);
    proxy.freeze();
    // The first request waits for one timed-out command; the next ones do not ask Redis at all.
    for (let i = 0; i < 3; i++) expect((await api.post({ query: QUARTER_SERIES }, { authorization: `Bearer ${key}` })).status).toBe(200);
    expect(log.count(/^Redis unreachable/)).toBe(1);
    await proxy.restore();
    await until(() => log.count(/^Redis reachable again/) === 1);
    expect((await api.post({ query: QUARTER_SERIES }, { authorization: `Bearer ${key}` })).status).toBe(429);
    expect(log.count(/^Redis unreachable/)).toBe(1);
  });

  it.each(['cut', 'freeze'] as const)('start while Redis is unreachable (%s), answering from the process itself', async (fault) => {
    proxy = await startTcpProxy({ host: new URL(TEST_REDIS_URL).hostname, port: Number(new URL(TEST_REDIS_URL).port) || 6379 });
    if (fault === 'cut') await proxy.cut();
    else proxy.freeze();
    const log = capturingLogger();
    const api = await startTestApi(
      { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_KEY_PREFIX: uniqueRedisPrefix() },
      { auth: true, db, logger: log.logger },
    );
    servers.push(api);
    expect(log.count(/^Redis unreachable/)).toBe(1);
    expect((await api.graphql('{ __typename }')).data).toEqual({ __typename: 'Query' });
    await proxy.restore();
    await until(() => log.count(/^Redis reachable again/) === 1);
    expect(log.count(/^Redis unreachable/)).toBe(1);
  });
});
