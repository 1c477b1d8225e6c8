import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JsonHttpClient } from '../../src/sync/http-client';

// The client's politeness with an injected clock: spacing of the rate-limited endpoints, bounded retries, and
// next-page URLs of another host re-rooted at the base URL (the credentials go nowhere else).

describe('JsonHttpClient', () => {
  let server: Server;
  let base = '';
  const seen: { path: string; auth: string | undefined }[] = [];
  let status = 200;
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push({ path: req.url ?? '', auth: req.headers.authorization });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen.length = 0;
    status = 200;
  });

  /** A client on a fake clock that advances only when the client sleeps. */
  const client = (extra: Partial<ConstructorParameters<typeof JsonHttpClient>[0]> = {}) => {
    const clock = { now: 1_000_000, sleeps: [] as number[] };
    const http = new JsonHttpClient({
      baseUrl: `${base}/prefix`,
      headers: { authorization: 'Basic c2VjcmV0' },
      limitedPrefix: '/api/v2/incremental/',
      limitedPerMinute: 10,
      now: () => clock.now,
      sleep: async (ms) => {
        clock.sleeps.push(ms);
        clock.now += ms;
      },
      ...extra,
    });
    return { http, clock };
  };

  it('spaces requests to the incremental endpoints to the per-minute limit, and no others', async () => {
    const { http, clock } = client();
    await http.get('/api/v2/incremental/tickets/cursor.json?start_time=1');
    await http.get('/api/v2/groups.json');
    await http.get('/api/v2/incremental/users/cursor.json?start_time=1');
    clock.now += 2000;
    await http.get('/api/v2/incremental/users/cursor.json?start_time=2');
    // 10 a minute: 6 s apart. The second incremental request waits 6 s; the third, sent 2 s after it, 4 s.
    expect(clock.sleeps).toEqual([6000, 4000]);
  });

  it('re-roots next-page URLs of another host at the base URL, with the credentials', async () => {
    const { http } = client();
    await http.get('https://acme.zendesk.com/api/v2/incremental/tickets/cursor.json?cursor=abc');
    expect(seen).toEqual([{ path: '/prefix/api/v2/incremental/tickets/cursor.json?cursor=abc', auth: 'Basic c2VjcmV0' }]);
  });

  it('gives up on 5xx after the attempts allowed, with doubling waits, naming the path and never the credentials', async () => {
    status = 503;
    const { http, clock } = client({ maxAttempts: 4, baseDelayMs: 500 });
    const err = await http.get('/api/v2/groups.json').catch((e: Error) => e);
    expect((err as Error).message).toBe('GET /prefix/api/v2/groups.json failed 4 times; last: 503 Service Unavailable');
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
    expect(seen).toHaveLength(4);
  });

  it('does not retry other 4xx answers', async () => {
    status = 404;
    const { http } = client();
    await expect(http.get('/api/v2/nothing.json')).rejects.toThrow('GET /prefix/api/v2/nothing.json answered 404 Not Found: {"ok":true}');
    expect(seen).toHaveLength(1);
  });
});
