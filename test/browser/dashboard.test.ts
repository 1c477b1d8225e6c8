import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadDemoIfEmpty } from '../../src/demo/demo-command';
import { DASHBOARD_DIST } from '../../src/server/dashboard-static';
import { chromiumAvailable, launchChromium } from '../support/browser';
import { startTestApi, type TestApi } from '../support/test-api';

/** The tiles the dashboard must show, by GraphQL field, and the filters each field takes. */
const TILES: Record<string, readonly ('channel' | 'product' | 'tier')[]> = {
  ticketVolume: ['channel', 'product', 'tier'],
  firstResponseTime: ['channel', 'product', 'tier'],
  averageResolutionTime: ['channel', 'product', 'tier'],
  firstContactResolutionRate: ['channel', 'product', 'tier'],
  csat: ['channel', 'product', 'tier'],
  nps: ['channel', 'product', 'tier'],
  customerEffortScore: ['channel', 'product', 'tier'],
  slaComplianceResolution: ['channel', 'product', 'tier'],
  escalationRate: ['channel', 'product', 'tier'],
  abandonmentRate: ['channel', 'product', 'tier'],
  backlog: ['channel', 'product', 'tier'],
  churnRate: ['product', 'tier'],
  retentionRate: ['product', 'tier'],
  revenue: ['product', 'tier'],
};

type Filters = Partial<Record<'channel' | 'product' | 'tier', string[]>>;

/** What the API answers for each tile's metric, asked server-side with the period written out by hand. */
async function expectedValues(
  api: TestApi,
  period: { from: string; to: string; timezone: string },
  filters: Filters,
): Promise<Record<string, string>> {
  const fields = Object.entries(TILES).map(([field, takes]) => {
    const args = takes.filter((f) => filters[f]).map((f) => `${f}: ${f === 'channel' ? `[${filters[f]!.join(', ')}]` : JSON.stringify(filters[f])}`);
    return `${field}(period: ${JSON.stringify(period).replace(/"(\w+)":/g, '$1:')}${args.map((a) => `, ${a}`).join('')}) { value }`;
  });
  const answer = await api.graphql(`{ ${fields.join('\n')} }`);
  expect(answer.errors).toBeUndefined();
  return Object.fromEntries(Object.keys(TILES).map((field) => [field, JSON.stringify(answer.data[field].value)]));
}

/** The tiles as the page shows them: data-metric → data-value. */
function shownValues(page: Page): Promise<Record<string, string>> {
  return page.$$eval('[data-metric]', (tiles) => Object.fromEntries(tiles.map((t) => [t.getAttribute('data-metric'), t.getAttribute('data-value')])));
}

/** Waits until the page shows the numbers of the view in its address bar. */
async function waitForView(page: Page, search: string): Promise<void> {
  await page.waitForSelector(`main[data-loaded-view="${search}"]`, { timeout: 30_000 });
}

(chromiumAvailable('dashboard') ? describe : describe.skip)('the reference dashboard in Chromium', () => {
  let browser: Browser;
  let api: TestApi;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(DASHBOARD_DIST, 'index.html'))) throw new Error(`no built dashboard in ${DASHBOARD_DIST}: run npm run build`);
    // A fresh page view costs about 4,500 (the staffing plan's hourly history most of it) and this file loads the page
    // two dozen times in a minute, beside its own queries with the same key: more than the default bucket (20,000) holds.
    api = await startTestApi({ RATE_LIMIT_BURST_COST: 200_000 }, { auth: true });
    await loadDemoIfEmpty(api.db.dataSource, { tickets: 3000, seed: 42, log: () => undefined });
    // One target, so a tile shows its status.
    const target = await api.graphql('mutation { setMetricTarget(metric: "firstResponseTime", target: 21600) { metric } }');
    expect(target.errors).toBeUndefined();
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${api.url}${path}`);
    return page;
  }

  it('fills every tile with the numbers the API returns for the period and filters in the URL, and follows a filter', async () => {
    const search = '?from=2026-09-01&to=2026-10-01&tz=Europe/Berlin&product=billing,api';
    const started = Date.now();
    const page = await open(`/${search}#key=${api.adminKey}`);
    await waitForView(page, search);
    console.info(`dashboard: every tile filled ${Date.now() - started} ms after navigation (3,000 demo tickets)`);
    // The key left the address bar for this tab's sessionStorage.
    expect(page.url()).toBe(`${api.url}/${search}`);
    expect(await page.evaluate(() => sessionStorage.getItem('deskmetrics.key'))).toBe(api.adminKey);

    const berlinSeptember = { from: '2026-09-01T00:00:00+02:00', to: '2026-10-01T00:00:00+02:00', timezone: 'Europe/Berlin' };
    const before = await expectedValues(api, berlinSeptember, { product: ['billing', 'api'] });
    expect(await shownValues(page)).toEqual(before);
    expect(Object.values(before).filter((v) => v !== 'null' && v !== '0').length).toBeGreaterThan(10);

    // A filter click: the URL and every number follow it.
    const channel = await page.getAttribute('[data-filter="channel"] input >> nth=0', 'value');
    await page.check('[data-filter="channel"] input >> nth=0');
    const filtered = `?from=2026-09-01&to=2026-10-01&tz=Europe/Berlin&channel=${channel}&product=billing,api`;
    await waitForView(page, filtered);
    expect(page.url()).toBe(`${api.url}/${filtered}`);
    const after = await expectedValues(api, berlinSeptember, { product: ['billing', 'api'], channel: [channel!.toUpperCase()] });
    expect(await shownValues(page)).toEqual(after);
    expect(after.ticketVolume).not.toBe(before.ticketVolume);

    // Back shows the previous view again.
    await page.goBack();
    await waitForView(page, search);
    expect(await shownValues(page)).toEqual(before);
    expect(errors).toEqual([]);
  }, 120_000);

  it('draws the forecast with its 80 and 95 % bands, says how fresh the data is, and refreshes with a 304', async () => {
    const search = '?from=2026-10-04&to=2026-11-01';
    const page = await open(`/${search}#key=${api.adminKey}`);
    await waitForView(page, search);
    const forecast = page.locator('[data-chart="forecast"]');
    expect(await forecast.getAttribute('data-bands')).toBe('95,80');
    // Each band is a filled area across the forecast, in its own colour (legend icons are a few pixels wide).
    const bandWidths = await forecast.evaluate((chart) =>
      ['#74c0fc', '#d0ebff'].map((fill) =>
        Math.max(0, ...[...chart.querySelectorAll(`path[fill="${fill}"]`)].map((p) => p.getBoundingClientRect().width)),
      ),
    );
    for (const width of bandWidths) expect(width).toBeGreaterThan(100);
    expect(await forecast.textContent()).toMatch(/80 % band[\s\S]*95 % band|95 % band[\s\S]*80 % band/);

    const status = await api.graphql('{ dataStatus { dataThrough { fact latest } } }');
    const latest = status.data.dataStatus.dataThrough.find((f: { fact: string }) => f.fact === 'tickets').latest as string;
    const shownThrough = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', dateStyle: 'medium', timeStyle: 'short' }).format(new Date(latest));
    expect(await page.textContent('.freshness')).toContain(`data through ${shownThrough}`);

    const statuses: number[] = [];
    page.on('response', (r) => r.url().includes('/graphql?') && statuses.push(r.status()));
    await page.click('button:has-text("Refresh")');
    await page.waitForSelector('.checked:has-text("no change")');
    // Data status, filter choices, tiles, series, forecast, breakdown with drivers, staffing plan.
    expect(statuses).toEqual([304, 304, 304, 304, 304, 304, 304]);

    if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);

  it('breaks the chosen metric down by the chosen dimension and lists the drivers of its change, as the API answers them', async () => {
    const search = '?from=2026-09-01&to=2026-10-01&tz=Europe/Berlin&product=billing,api';
    const page = await open(`/${search}#key=${api.adminKey}`);
    await waitForView(page, search);
    const period = '{ from: "2026-09-01T00:00:00+02:00", to: "2026-10-01T00:00:00+02:00", timezone: "Europe/Berlin" }';

    /** What the API answers for the metric by the dimension, with the page's period and product filter. */
    async function expected(metric: string, by: string) {
      const answer = await api.graphql(
        `{ m: ${metric}(period: ${period}, product: ["billing", "api"]) {
           breakdown(by: ${by.toUpperCase()}) { segment value sampleSize }
           drivers(by: ${by.toUpperCase()}) { change segments { segment contribution } } } }`,
      );
      expect(answer.errors).toBeUndefined();
      const m = answer.data.m as {
        breakdown: { segment: string | null; value: number | null; sampleSize: number }[];
        drivers: { change: number | null; segments: { segment: string | null; contribution: number }[] };
      };
      return {
        rows: m.breakdown.map((r) => ({ segment: r.segment ?? '', value: JSON.stringify(r.value), sampleSize: String(r.sampleSize) })),
        // The page lists the largest eight, in the API's order.
        drivers: m.drivers.segments.slice(0, 8).map((d) => ({ segment: d.segment ?? '', contribution: JSON.stringify(d.contribution) })),
        change: JSON.stringify(m.drivers.change),
      };
    }
    /** The panels as the page shows them, once they show the view in the address bar. */
    async function shown(view: string) {
      await page.waitForSelector(`[data-loaded-breakdown="${view}"]`, { timeout: 30_000 });
      await page.waitForSelector(`[data-loaded-drivers="${view}"]`, { timeout: 30_000 });
      return {
        rows: await page.$$eval('[data-breakdown-row]', (rows) =>
          rows.map((r) => ({
            segment: r.getAttribute('data-breakdown-row'),
            value: r.getAttribute('data-value'),
            sampleSize: r.getAttribute('data-sample-size'),
          })),
        ),
        drivers: await page.$$eval('[data-driver]', (rows) =>
          rows.map((r) => ({ segment: r.getAttribute('data-driver'), contribution: r.getAttribute('data-contribution') })),
        ),
        change: await page.getAttribute('.drivers-total', 'data-change'),
      };
    }
    /** The texts the breakdown chart drew (ECharts' SVG renderer writes its labels as text elements). */
    const drawnLabels = () =>
      page.locator('[data-chart="breakdown"]').evaluate((chart) => [...chart.querySelectorAll('text')].map((t) => t.textContent ?? ''));

    // The default: ticket volume by channel, each bar labelled with its segment and its count.
    const byChannel = await expected('ticketVolume', 'channel');
    expect(byChannel.rows.length).toBeGreaterThan(2);
    expect(byChannel.drivers.length).toBeGreaterThan(2);
    expect(await shown(search)).toEqual(byChannel);
    const labels = await drawnLabels();
    for (const row of byChannel.rows) {
      expect(labels).toContain(row.segment.toLowerCase());
      expect(labels).toContain(Number(row.value).toLocaleString('en-US'));
    }

    // Another metric and dimension: the address and the numbers follow.
    await page.selectOption('select[name="metric"]', 'firstResponseTime');
    const byMetric = `${search}&metric=firstResponseTime`;
    await shown(byMetric);
    await page.selectOption('select[name="by"]', 'tier');
    const byTier = `${search}&metric=firstResponseTime&by=tier`;
    const tierShown = await shown(byTier);
    expect(page.url()).toBe(`${api.url}/${byTier}`);
    expect(tierShown).toEqual(await expected('firstResponseTime', 'tier'));
    expect(tierShown.rows.length).toBeGreaterThan(1);

    // Back returns to the previous choice.
    await page.goBack();
    expect(await shown(byMetric)).toEqual(await expected('firstResponseTime', 'channel'));

    // On the default view (no period in the address), a pick keeps the period the page chose.
    const plain = await open(`/#key=${api.adminKey}`);
    await plain.waitForSelector('main:not([data-loaded-view=""])', { timeout: 30_000 });
    const defaulted = new URL(plain.url()).search;
    expect(defaulted).toMatch(/^\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}$/);
    await plain.selectOption('select[name="by"]', 'product');
    await plain.waitForSelector(`[data-loaded-breakdown="${defaulted}&by=product"]`, { timeout: 30_000 });
    expect(new URL(plain.url()).search).toBe(`${defaulted}&by=product`);
    expect(errors).toEqual([]);
  }, 120_000);

  it("draws the staffing plan for the week after the period with the API's agents per interval", async () => {
    const search = '?from=2026-10-04&to=2026-11-01&tz=Europe/Berlin&staff=email';
    const page = await open(`/${search}#key=${api.adminKey}`);
    await waitForView(page, search);

    /** The API's plan for the channel over the 7 days from the period's end, in the page's zone. */
    async function expected(channel: string) {
      const answer = await api.graphql(
        `{ staffingPlan(channel: ${channel}, from: "2026-11-01T00:00:00+01:00", days: 7, timezone: "Europe/Berlin", intervalMinutes: 30) {
           channel calendar intervals { localStart open agents scheduledAgents } } }`,
      );
      expect(answer.errors).toBeUndefined();
      const intervals = answer.data.staffingPlan.intervals as { localStart: string; open: boolean; agents: number; scheduledAgents: number }[];
      return {
        channel: answer.data.staffingPlan.channel as string,
        calendar: (answer.data.staffingPlan.calendar as string | null) ?? '',
        intervals: JSON.stringify(intervals.map((i) => i.localStart)),
        open: JSON.stringify(intervals.map((i) => i.open)),
        agents: JSON.stringify(intervals.map((i) => i.agents)),
        scheduled: JSON.stringify(intervals.map((i) => i.scheduledAgents)),
      };
    }
    async function shown(view: string) {
      await page.waitForSelector(`[data-loaded-staffing="${view}"]`, { timeout: 60_000 });
      const chart = page.locator('[data-chart="staffing"]');
      return {
        channel: (await chart.getAttribute('data-channel'))!,
        calendar: (await chart.getAttribute('data-calendar'))!,
        intervals: (await chart.getAttribute('data-intervals'))!,
        open: (await chart.getAttribute('data-open'))!,
        agents: (await chart.getAttribute('data-agents'))!,
        scheduled: (await chart.getAttribute('data-scheduled-agents'))!,
      };
    }

    const email = await expected('EMAIL');
    expect(JSON.parse(email.intervals)).toHaveLength(7 * 48);
    expect(Math.max(...JSON.parse(email.scheduled))).toBeGreaterThan(0);
    expect(await shown(search)).toEqual(email);
    // Drawn: the scheduled agents' area spans the plot, and the y axis reaches the busiest interval.
    const chart = page.locator('[data-chart="staffing"]');
    const areaWidth = await chart.evaluate((c) =>
      Math.max(0, ...[...c.querySelectorAll('path[fill="#d0ebff"]')].map((p) => p.getBoundingClientRect().width)),
    );
    expect(areaWidth).toBeGreaterThan(600);
    const axisTop = await chart.evaluate((c) =>
      Math.max(...[...c.querySelectorAll('text')].map((t) => Number(t.textContent)).filter(Number.isFinite)),
    );
    expect(axisTop).toBeGreaterThanOrEqual(Math.max(...JSON.parse(email.scheduled)));

    // The demo's calendars close the desk at night: closed intervals are shaded and staffed by nobody.
    const openIntervals = JSON.parse(email.open) as boolean[];
    expect(email.calendar).not.toBe('');
    expect(openIntervals.some((o) => !o)).toBe(true);
    openIntervals.forEach((o, k) => o || expect(JSON.parse(email.scheduled)[k]).toBe(0));
    const shaded = await chart.evaluate((c) => c.querySelectorAll('path[fill="#868e96"]').length);
    expect(shaded).toBeGreaterThan(0);

    // Another channel from the picker: the address and the plan follow.
    await page.selectOption('select[name="staff"]', 'chat');
    const chat = search.replace('staff=email', 'staff=chat');
    expect(await shown(chat)).toEqual(await expected('CHAT'));
    expect(page.url()).toBe(`${api.url}/${chat}`);
    expect(errors).toEqual([]);
  }, 120_000);

  it("lists the records behind a tile's value, a page at a time, with the tiles' period and filters", async () => {
    const search = '?from=2026-09-01&to=2026-10-01&tz=Europe/Berlin&product=billing,api';
    const page = await open(`/${search}#key=${api.adminKey}`);
    await waitForView(page, search);
    const answer = await api.graphql(
      `{ m: firstResponseTime(period: { from: "2026-09-01T00:00:00+02:00", to: "2026-10-01T00:00:00+02:00", timezone: "Europe/Berlin" }, product: ["billing", "api"]) {
         sampleSize records(first: 50) { nodes { sourceId } } } }`,
    );
    expect(answer.errors).toBeUndefined();
    const ids: string[] = answer.data.m.records.nodes.map((n: { sourceId: string }) => n.sourceId);
    expect(answer.data.m.sampleSize).toBeGreaterThan(25);

    const panel = '[data-records-for="firstResponseTime"]';
    const shownIds = () => page.$$eval(`${panel} tbody tr`, (rows) => rows.map((r) => r.getAttribute('data-source-id')));
    await page.click('[data-metric="firstResponseTime"] .sample button');
    await page.waitForSelector(`${panel}[aria-busy="false"]`);
    expect(await page.getAttribute(panel, 'data-total')).toBe(String(answer.data.m.sampleSize));
    expect(await shownIds()).toEqual(ids.slice(0, 25));

    await page.click(`${panel} button:has-text("Next")`);
    await page.waitForSelector(`${panel}[aria-busy="false"] tbody tr[data-source-id="${ids[25]}"]`);
    expect(await shownIds()).toEqual(ids.slice(25, 50));
    await page.click(`${panel} button:has-text("Previous")`);
    await page.waitForSelector(`${panel}[aria-busy="false"] tbody tr[data-source-id="${ids[0]}"]`);
    expect(await shownIds()).toEqual(ids.slice(0, 25));

    await page.click(`${panel} button:has-text("Close")`);
    expect(await page.$(panel)).toBeNull();
    expect(errors).toEqual([]);
  }, 120_000);

  it('asks for a key when the URL has none, and again when the API refuses it', async () => {
    const page = await open('/?from=2026-10-04&to=2026-11-01');
    await page.fill('input[name="key"]', 'dmk_not_a_key');
    await page.click('button[type="submit"]');
    await page.waitForSelector('.key-prompt [role="alert"]');
    expect(await page.textContent('.key-prompt [role="alert"]')).toMatch(/refused/);
    await page.fill('input[name="key"]', api.adminKey!);
    await page.click('button[type="submit"]');
    await waitForView(page, '?from=2026-10-04&to=2026-11-01');
    expect(await page.$$eval('[data-metric]', (tiles) => tiles.length)).toBe(Object.keys(TILES).length);
    // The refused key's 401 is the only error the console saw.
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]);
  }, 120_000);
});
