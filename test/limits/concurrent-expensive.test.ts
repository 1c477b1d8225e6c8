import { parse } from 'graphql';
import { loadConfig } from '../../src/config/config';
import { estimateCost } from '../../src/metrics/query-cost';
import { buildApiSchema } from '../../src/server/schema';
import { startTestApi, type TestApi } from '../support/test-api';
import { ROLLUPS_CURRENT_SQL } from '../../src/metrics/rollups/rollup-refresh';

// A year of exact medians for a team (a dimension the rollups lack) reads the raw rows: an expensive operation (above
// EXPENSIVE_QUERY_COST below). The cheap one is a week from the rollups.
const YEAR_OF_MEDIANS = `{ firstResponseTime(period: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, team: ["support"]) { value median p90 } }`;
const CHEAP = `{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2025-01-08T00:00:00Z" }) { value } }`;
const isMedianStatement = (sql: string) => sql.includes('percentile_cont');
const estimate = (query: string) => estimateCost(buildApiSchema(), parse(query), undefined, {}, loadConfig({}));

/** A promise resolved from outside. */
function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('concurrent expensive operations per key', () => {
  let api: TestApi;
  let expensiveCost: number;
  beforeAll(async () => {
    expensiveCost = estimate(YEAR_OF_MEDIANS);
    expect(estimate(CHEAP)).toBeLessThan(expensiveCost);
    api = await startTestApi(
      // The cheap query stays below the threshold; the bucket is large enough that only the concurrency cap can refuse.
      { EXPENSIVE_QUERY_COST: expensiveCost, MAX_CONCURRENT_EXPENSIVE_PER_KEY: 2, RATE_LIMIT_BURST_COST: 1_000_000 },
      { auth: true },
    );
  });
  afterAll(async () => api?.close());
  afterEach(() => {
    api.beforeStatement = undefined;
  });

  /**
   * Holds every median statement (and each request's rollups check before it) until `release` is called, and resolves `entered(n)` once n of them are waiting: the
   * requests are then admitted and running.
   */
  function holdMedianStatements() {
    const gate = deferred();
    const waiting: { n: number; resolve: () => void }[] = [];
    let count = 0;
    const hold = { checks: true };
    api.beforeStatement = async (sql) => {
      // A request's first statement asks whether the rollups are current: held there, before its snapshot, it keeps no
      // connection (the embedded database has one). Cheap requests sent meanwhile pass (hold.checks false).
      if (!isMedianStatement(sql) && !(sql === ROLLUPS_CURRENT_SQL && hold.checks)) return;
      count++;
      waiting.filter((w) => count >= w.n).forEach((w) => w.resolve());
      await gate.promise;
    };
    return {
      entered: (n: number) =>
        new Promise<void>((resolve) => {
          if (count >= n) resolve();
          else waiting.push({ n, resolve });
        }),
      release: gate.resolve,
      hold,
    };
  }

  const send = (query: string, key: string) => api.post({ query }, { authorization: `Bearer ${key}` });

  it('refuses a third expensive operation of a key while two run, with 429 TOO_MANY_CONCURRENT and the estimate', async () => {
    const partner = await api.createKey({ name: 'partner-a', role: 'partner', scope: { product: ['api'] } });
    const other = await api.createKey({ name: 'partner-b', role: 'partner', scope: { product: ['api'] } });
    const hold = holdMedianStatements();
    const running = [send(YEAR_OF_MEDIANS, partner), send(YEAR_OF_MEDIANS, partner)];
    await hold.entered(2);

    const refused = await send(YEAR_OF_MEDIANS, partner);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = await refused.json();
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toMatchObject({ code: 'TOO_MANY_CONCURRENT', costEstimate: expensiveCost, running: 2, limit: 2 });
    expect(body.errors[0].message).toMatch(/MAX_CONCURRENT_EXPENSIVE_PER_KEY=2/);

    // Cheap operations of the same key, and expensive ones of another key, are not held back.
    hold.hold.checks = false;
    const cheap = await send(CHEAP, partner);
    expect(cheap.status).toBe(200);
    expect((await cheap.json()).errors).toBeUndefined();
    hold.hold.checks = true;
    const otherKey = send(YEAR_OF_MEDIANS, other);
    await hold.entered(3);

    hold.release();
    for (const res of await Promise.all([...running, otherKey])) {
      expect(res.status).toBe(200);
      expect((await res.json()).errors).toBeUndefined();
    }
    // Finished operations no longer count.
    const after = await send(YEAR_OF_MEDIANS, partner);
    expect(after.status).toBe(200);
  });

  it('stops counting an operation that failed', async () => {
    const key = await api.createKey({ name: 'failing', role: 'analyst' });
    api.beforeStatement = (sql) => {
      if (isMedianStatement(sql)) throw new Error('statement failed');
    };
    for (const res of await Promise.all([send(YEAR_OF_MEDIANS, key), send(YEAR_OF_MEDIANS, key)])) {
      expect((await res.json()).errors?.[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    }
    // Had the failed operations kept their places, these two would be refused.
    const hold = holdMedianStatements();
    const running = [send(YEAR_OF_MEDIANS, key), send(YEAR_OF_MEDIANS, key)];
    await hold.entered(2);
    hold.release();
    for (const res of await Promise.all(running)) expect(res.status).toBe(200);
  });
});

describe('a rate-limited request', () => {
  let api: TestApi;
  afterAll(async () => api?.close());

  it('is told its estimated cost, what is left and when to retry', async () => {
    const cost = estimate(YEAR_OF_MEDIANS);
    // Room for one such request, refilled slowly: the second is refused.
    api = await startTestApi({ MAX_QUERY_COST: cost, RATE_LIMIT_BURST_COST: cost + 10, RATE_LIMIT_COST_PER_SECOND: 1 }, { auth: true });
    const key = await api.createKey({ name: 'analyst', role: 'analyst' });
    expect((await send(api, key)).status).toBe(200);
    const refused = await send(api, key);
    expect(refused.status).toBe(429);
    const body = await refused.json();
    const extensions = body.errors[0].extensions;
    expect(extensions).toMatchObject({ code: 'RATE_LIMITED', costEstimate: cost, limit: cost + 10 });
    expect(extensions.remaining).toBeLessThan(cost);
    expect(extensions.retryAfterSeconds).toBe(Number(refused.headers.get('retry-after')));
    expect(body.errors[0].message).toContain(`estimated cost is ${cost}`);
  });

  const send = (a: TestApi, key: string) => a.post({ query: YEAR_OF_MEDIANS }, { authorization: `Bearer ${key}` });
});
