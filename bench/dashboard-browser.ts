/**
 * The bundled dashboard in Chromium on the demo dataset (100,000 tickets by default, in PostgreSQL): the time from
 * navigation to every tile filled, cold (a server just started: no forecast or cost cache, no compiled hot paths) and
 * warm (the same navigation again on that server), each in a fresh browser context. A figure for the README, not an
 * assertion: `npm run bench:dashboard`.
 */
import 'reflect-metadata';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Pool } from 'pg';
import type { Browser } from 'playwright-core';
import { redactUrl } from '../src/db/data-source';
import { DASHBOARD_DIST } from '../src/server/dashboard-static';
import { CHROMIUM, launchChromium } from '../test/support/browser';
import { CLI, createAnalystKey, runCli, startServer, type ServerProcess } from './children';
import { analyzeSchema, holdsDemoData, loadDemo, prepareEmptySchema } from './load';

const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

interface Options {
  tickets: number;
  seed: number;
  coldRuns: number;
  warmRuns: number;
  databaseUrl: string;
  schema?: string;
  out?: string;
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number.parseInt(v, 10);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
    return n;
  };
}

function parseOptions(argv: string[]): Options {
  const program = new Command('npm run bench:dashboard --')
    .description('Times the bundled dashboard in Chromium, from navigation to every tile filled, on the demo dataset in PostgreSQL.')
    .option('--tickets <n>', 'tickets in the demo dataset', positiveInt('--tickets'), 100_000)
    .option('--seed <n>', 'demo seed', (v) => Number.parseInt(v, 10), 42)
    .option('--cold-runs <n>', 'navigations each on a server just started', positiveInt('--cold-runs'), 3)
    .option('--warm-runs <n>', 'navigations on a server that has answered the same page before', positiveInt('--warm-runs'), 5)
    .option('--database-url <url>', 'PostgreSQL (default: DATABASE_URL, else the local server)', process.env.DATABASE_URL || LOCAL_DATABASE_URL)
    .option('--schema <name>', 'schema of the data (default bench_browser_<tickets>); loaded when it does not hold the dataset')
    .option('--out <file>', 'also write the result as JSON here')
    .showHelpAfterError();
  program.parse(argv);
  const o = program.opts<Options>();
  if (o.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(o.schema))
    throw new InvalidArgumentError('--schema must be a lower-case SQL identifier');
  return o;
}

const log = (message: string) => process.stderr.write(`[bench:dashboard] ${message}\n`);

/** Settings of the bench's server: no demo load, quiet logs, and a rate-limit bucket that holds every navigation. */
const SERVER_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DESKMETRICS_DEMO: 'off',
  RATE_LIMIT_BURST_COST: '1000000000',
  RATE_LIMIT_COST_PER_SECOND: '1000000000',
};

/** One navigation: milliseconds from its start (the page's time origin) to each part of the page filled. */
interface Navigation {
  tilesMs: number;
  breakdownMs: number;
  staffingMs: number;
  /** The page's own steps: its script loaded, and each GraphQL request (operation, start and end), from navigation. */
  domContentLoadedMs: number;
  requests: { operation: string; startMs: number; endMs: number }[];
}

/**
 * Opens the dashboard's default view (the four weeks up to the latest ticket) in a fresh context and reads, from the
 * page's own clock, when the tiles, the breakdown and the staffing plan were filled (main[data-loaded-view] and the
 * panels' data-loaded-… attributes become non-empty once their numbers are on screen).
 */
async function navigate(browser: Browser, url: string, key: string, errors: string[]): Promise<Navigation> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  try {
    await context.addInitScript(() => {
      const marks: Record<string, number> = {};
      (window as unknown as { __filled: Record<string, number> }).__filled = marks;
      const watch = () => {
        for (const [name, selector] of [
          ['tiles', 'main[data-loaded-view]:not([data-loaded-view=""])'],
          ['breakdown', '[data-loaded-breakdown]:not([data-loaded-breakdown=""])'],
          ['staffing', '[data-loaded-staffing]:not([data-loaded-staffing=""])'],
        ] as const) {
          if (marks[name] === undefined && document.querySelector(selector)) marks[name] = performance.now();
        }
      };
      new MutationObserver(watch).observe(document, { subtree: true, childList: true, attributes: true });
    });
    const page = await context.newPage();
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/#key=${key}`);
    await page.waitForFunction(
      () => {
        const marks = (window as unknown as { __filled: Record<string, number> }).__filled;
        // A panel the page does not have (an older build) is not waited for.
        const done = (name: string, selector: string) => marks[name] !== undefined || !document.querySelector(selector);
        return marks.tiles !== undefined && done('breakdown', '[data-loaded-breakdown]') && done('staffing', '[data-loaded-staffing]');
      },
      undefined,
      { timeout: 120_000 },
    );
    const tiles = await page.$$eval('[data-metric]', (all) => all.filter((t) => t.getAttribute('data-value') !== null).length);
    if (tiles !== 14) throw new Error(`${tiles} tiles filled, expected 14`);
    const marks = await page.evaluate(() => (window as unknown as { __filled: Record<string, number> }).__filled);
    const timing = await page.evaluate(() => ({
      domContentLoadedMs: (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).domContentLoadedEventEnd,
      requests: (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((r) => r.name.includes('/graphql?'))
        .map((r) => ({
          operation: /query\s+(\w+)/.exec(new URL(r.name).searchParams.get('query') ?? '')?.[1] ?? '?',
          startMs: r.startTime,
          endMs: r.responseEnd,
        })),
    }));
    return { tilesMs: marks.tiles, breakdownMs: marks.breakdown ?? NaN, staffingMs: marks.staffing ?? NaN, ...timing };
  } finally {
    await context.close();
  }
}

/** A navigation in one line: when each part was filled, and each request's span. */
const describe = (n: Navigation) =>
  `tiles ${n.tilesMs.toFixed(0)} ms, breakdown ${n.breakdownMs.toFixed(0)} ms, staffing ${n.staffingMs.toFixed(0)} ms; ` +
  `script loaded ${n.domContentLoadedMs.toFixed(0)} ms; ` +
  n.requests.map((r) => `${r.operation} ${r.startMs.toFixed(0)}–${r.endMs.toFixed(0)}`).join(', ');

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const o = parseOptions(process.argv);
  const schema = o.schema ?? `bench_browser_${o.tickets}`;
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench:dashboard does)`);
  if (!existsSync(join(DASHBOARD_DIST, 'index.html'))) throw new Error(`no built dashboard in ${DASHBOARD_DIST}: run npm run build`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`);
  const loadStart = loadavg();
  const admin = new Pool({ connectionString: o.databaseUrl, max: 2 });
  const cliEnv = { DATABASE_URL: o.databaseUrl, DATABASE_SCHEMA: schema, LOG_LEVEL: 'warn' };
  let browser: Browser | undefined;
  let server: ServerProcess | undefined;
  try {
    if (await holdsDemoData(admin, schema, o.tickets, o.seed)) {
      log(`schema ${schema} already holds the demo dataset (${o.tickets.toLocaleString('en-US')} tickets, seed ${o.seed})`);
      await analyzeSchema(admin, schema);
    } else {
      log(`loading ${o.tickets.toLocaleString('en-US')} demo tickets into schema ${schema}`);
      await prepareEmptySchema(admin, schema);
      const loaded = await loadDemo(admin, { databaseUrl: o.databaseUrl, schema, tickets: o.tickets, seed: o.seed });
      log(`loaded in ${loaded.seconds.toFixed(1)} s`);
    }
    const keyName = `bench-dashboard-${Date.now()}`;
    const key = await createAnalystKey(keyName, cliEnv);

    browser = await launchChromium();
    const errors: string[] = [];
    const serverEnv = { ...SERVER_ENV, ...cliEnv };
    const cold: Navigation[] = [];
    const warm: Navigation[] = [];
    for (let run = 0; run < o.coldRuns; run++) {
      server = await startServer(serverEnv);
      cold.push(await navigate(browser, server.url, key, errors));
      log(`cold ${run + 1}/${o.coldRuns}: ${describe(cold[run])}`);
      // The warm runs follow the last cold one, on its server.
      if (run < o.coldRuns - 1) {
        await server.stop();
        server = undefined;
      }
    }
    for (let run = 0; run < o.warmRuns; run++) {
      warm.push(await navigate(browser, server!.url, key, errors));
      log(`warm ${run + 1}/${o.warmRuns}: ${describe(warm[run])}`);
    }
    await runCli(['keys', 'revoke', keyName], cliEnv);

    const summary = (runs: Navigation[]) => ({
      tilesMs: median(runs.map((r) => r.tilesMs)),
      breakdownMs: median(runs.map((r) => r.breakdownMs)),
      staffingMs: median(runs.map((r) => r.staffingMs)),
      runs,
    });
    const result = {
      date: new Date().toISOString(),
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? null,
      postgres: (await admin.query('SHOW server_version')).rows[0].server_version as string,
      database: redactUrl(o.databaseUrl),
      schema,
      tickets: o.tickets,
      seed: o.seed,
      /** 1-, 5- and 15-minute load averages at the start and the end: other work on the machine skews figures. */
      loadAverage: { start: loadStart, end: loadavg() },
      cold: summary(cold),
      warm: summary(warm),
      consoleErrors: errors,
    };
    const row = (name: string, s: ReturnType<typeof summary>) =>
      `| ${name} (median of ${s.runs.length}) | ${s.tilesMs.toFixed(0)} ms | ${s.breakdownMs.toFixed(0)} ms | ${s.staffingMs.toFixed(0)} ms |`;
    process.stdout.write(
      [
        `dashboard in Chromium, ${o.tickets.toLocaleString('en-US')} demo tickets, default view (four weeks), from navigation to:`,
        '| navigation | every tile filled | breakdown and drivers | staffing plan |',
        '|---|---|---|---|',
        row('cold: server just started', result.cold),
        row('warm: the same page again', result.warm),
        `load average ${loadStart.map((l) => l.toFixed(2)).join(' ')} at the start, ${result.loadAverage.end.map((l) => l.toFixed(2)).join(' ')} at the end (${result.cores} cores)`,
        errors.length ? `console errors: ${errors.join(' | ')}` : 'no console errors',
        '',
      ].join('\n'),
    );
    if (o.out) {
      mkdirSync(dirname(o.out), { recursive: true });
      writeFileSync(o.out, `${JSON.stringify(result, null, 2)}\n`);
    }
    if (errors.length) process.exitCode = 1;
  } finally {
    await browser?.close();
    await server?.stop();
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
