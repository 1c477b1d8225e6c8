import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { startTestApi, type TestApi } from '../support/test-api';

const QUERY = '{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { value } }';

/** The page a frontend team would write: it reads one number from the API with fetch() and shows it. */
function page(apiUrl: string, key: string): string {
  return `<!doctype html><meta charset="utf-8"><title>cors</title><output id="out">pending</output>
<script>
fetch(${JSON.stringify(`${apiUrl}/graphql`)}, {
  method: 'POST',
  headers: { 'Content-Type': 'application/json', Authorization: ${JSON.stringify(`Bearer ${key}`)} },
  body: JSON.stringify({ query: ${JSON.stringify(QUERY)} }),
}).then((r) => r.json()).then((b) => { out.textContent = String(b.data.ticketVolume.value); },
  (e) => { out.textContent = 'blocked: ' + e.message; });
</script>`;
}

/** A page server on a port of its own, i.e. an origin of its own; it serves what `html` returns when asked. */
async function pageServer(html: () => string): Promise<{ origin: string; server: Server }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { origin: `http://127.0.0.1:${(server.address() as { port: number }).port}`, server };
}

(chromiumAvailable('cors-page') ? describe : describe.skip)('a page in Chromium calling the API', () => {
  let browser: Browser;
  let api: TestApi;
  const pages: Server[] = [];
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    for (const server of pages) server.close();
  });

  it('reads the same number as a server-side request from a listed origin, and is blocked from another', async () => {
    const target = { url: '', key: '' };
    const listed = await pageServer(() => page(target.url, target.key));
    const unlisted = await pageServer(() => page(target.url, target.key));
    pages.push(listed.server, unlisted.server);
    api = await startTestApi({ CORS_ORIGINS: [listed.origin] }, { auth: true });
    Object.assign(target, { url: api.url, key: api.adminKey });
    await api.db.dataSource.query(
      `INSERT INTO tickets (external_id, channel, created_at) SELECT 'b' || i, 'chat', '2025-03-01T00:00:00Z'::timestamptz + i * interval '1 day' FROM generate_series(1, 17) i`,
    );
    const serverSide = await api.graphql(QUERY);
    expect(serverSide.data.ticketVolume.value).toBe(17);

    browser = await launchChromium();
    const read = async (origin: string) => {
      const tab = await browser.newPage();
      const errors: string[] = [];
      tab.on('pageerror', (e) => errors.push(e.message));
      await tab.goto(origin);
      await tab.waitForFunction(() => document.getElementById('out')?.textContent !== 'pending');
      return { shown: await tab.textContent('#out'), errors };
    };
    expect(await read(listed.origin)).toEqual({ shown: String(serverSide.data.ticketVolume.value), errors: [] });
    expect((await read(unlisted.origin)).shown).toMatch(/^blocked: /);
  }, 120_000);
});
