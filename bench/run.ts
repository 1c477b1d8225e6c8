/**
 * `npm run bench`: loads the demo dataset at a given size into PostgreSQL, then measures on that data, in one run:
 * the import (tickets/s with their messages, peak memory), a 12-metric dashboard through the HTTP API (latency
 * percentiles, throughput under concurrent clients), the same dashboard from hand-written SQL in each of its variants
 * (on the raw tables and on the rollups: the floors of the API/SQL ratios, and cross-checks of the API's numbers), the
 * dashboard with exact medians, forecast speed, and the plans of the slowest statements. Prints a table and writes it
 * as JSON (--out) so results can be compared between commits (--compare).
 *
 *   npm run bench -- --tickets 1000000            # loads bench_1000000 (dropped and reloaded unless --reuse)
 *   npm run bench -- --tickets 1000000 --reuse    # reuses an earlier load of the same dataset
 *   npm run bench -- --tickets 1000000 --reuse --in-turn-with 10000000
 *                                                 # also both sizes' dashboards in turn (bench_10000000 loaded before)
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { Pool } from 'pg';
import { loadConfig } from '../src/config/config';
import { projectRoot } from '../src/config/project-root';
import { redactUrl } from '../src/db/data-source';
import { DEFAULT_DEMO_DAYS, DEFAULT_DEMO_END } from '../src/demo/demo-source';
import { CLI, createAnalystKey, runCli, startServer, type ServerProcess } from './children';
import {
  compareNumbers,
  dashboardDocument,
  dashboardParams,
  dashboardVariables,
  numbersFromResponse,
  type DashboardNumbers,
  type Difference,
} from './dashboard';
import { runSqlVariant, SQL_VARIANTS, type SqlVariant } from './dashboard-sql';
import { timeForecasts, type ForecastTiming } from './forecast-timing';
import { measureImportFloor, type ImportFloor } from './import-floor';
import { analyzeSchema, holdsDemoData, loadDemo, prepareEmptySchema, untilRollupsCurrent, type ImportMeasurement } from './load';
import { interleavedRuns, sequentialRuns, throughput, type Latency, type Throughput } from './measure';
import { formatTable, type Row } from './report';
import { captureApiStatements, explain, statementHeadline, timeStatements, type CapturedStatement, type TimedStatement } from './statements';

const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
/** Session settings of the hand-written SQL's connections. */
const SQL_SESSION = '-c jit=off';
const MB = 1024 * 1024;

/** Settings every bench server runs with: no throttling by rate or cost limits, no demo load, quiet logs. */
const SERVER_ENV: Record<string, string> = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  DESKMETRICS_DEMO: 'off',
  MAX_QUERY_COST: '1000000',
  RATE_LIMIT_BURST_COST: '1000000000',
  RATE_LIMIT_COST_PER_SECOND: '1000000000',
  // Concurrent clients share one key: its cap on concurrent expensive operations would throttle them.
  MAX_CONCURRENT_EXPENSIVE_PER_KEY: '1000000',
  // Exact medians over a large database's raw rows outlast a deployment's default timeout (30 s); the bench times them.
  DATABASE_STATEMENT_TIMEOUT_MS: '3600000',
};

/** Targets of the issue (reported, not asserted). */
const TARGETS = { dashboardP95Ms: 50, dashboardTargetTickets: 1_000_000, forecast500Seconds: 2, importTicketsPerSecond: 50_000 };

interface Options {
  tickets: number;
  seed: number;
  runs: number;
  warmup: number;
  concurrency: number;
  throughputSeconds: number;
  databaseUrl: string;
  schema?: string;
  reuse: boolean;
  product: string;
  days: number;
  timezone: string;
  mediansRuns?: number;
  rawApiRuns: number;
  rawSqlRuns?: number;
  inTurnWith?: number;
  serverEnv: string[];
  forecastSeries: number;
  forecast: boolean;
  importFloor: boolean;
  explainRuns: number;
  out: string;
  compare?: string;
}

function positiveInt(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive whole number`);
    return n;
  };
}

function nonNegativeInt(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number ≥ 0`);
    return n;
  };
}

function parseOptions(argv: string[]): Options {
  const program = new Command('npm run bench --')
    .description('Loads the demo dataset into PostgreSQL and measures import, dashboard (API and hand-written SQL) and forecasts.')
    .option('--tickets <n>', 'tickets in the demo dataset', positiveInt('--tickets'), 1_000_000)
    .option('--seed <n>', 'demo seed', (v) => Number.parseInt(v, 10), 42)
    .option('--runs <n>', 'timed sequential dashboard runs (after the warm-up)', positiveInt('--runs'), 50)
    // The API server compiles its hot paths during its first dozens of requests; timing starts once they are compiled.
    .option('--warmup <n>', 'untimed runs before timing', nonNegativeInt('--warmup'), 30)
    .option('--concurrency <n>', 'concurrent clients of the throughput measurement', positiveInt('--concurrency'), 8)
    .option('--throughput-seconds <s>', 'how long the throughput measurement runs', positiveInt('--throughput-seconds'), 15)
    .option('--database-url <url>', 'PostgreSQL (default: DATABASE_URL, else the local server)', process.env.DATABASE_URL || LOCAL_DATABASE_URL)
    .option('--schema <name>', 'schema of the bench data (default bench_<tickets>); a bench_… schema is dropped before a load')
    .option('--reuse', 'skip the load when the schema already holds this demo dataset (no import figures then)', false)
    .option('--product <name>', 'the product the dashboard is filtered to', 'web-app')
    .option('--days <n>', "length of the dashboard's period in days (the last whole days of the data)", positiveInt('--days'), 90)
    .option('--timezone <zone>', "time zone of the dashboard's days", 'America/New_York')
    .option('--medians-runs <n>', 'timed runs of the dashboard with medians (default: --runs)', positiveInt('--medians-runs'))
    .option(
      '--raw-api-runs <n>',
      'also time the dashboard from a server with METRIC_ROLLUPS=off (raw tables); 0 skips',
      nonNegativeInt('--raw-api-runs'),
      0,
    )
    .option(
      '--raw-sql-runs <n>',
      'timed runs of the hand-written SQL over the raw tables, without warm-up or throughput (default: as the others; at 10M those runs take most of the bench)',
      positiveInt('--raw-sql-runs'),
    )
    .option(
      '--in-turn-with <n>',
      "also time both dashboards in turn with a server on an earlier load of <n> tickets (schema bench_<n>, same seed), so that both sizes share the machine's conditions",
      positiveInt('--in-turn-with'),
    )
    .option(
      '--server-env <KEY=VALUE>',
      'a setting of every deskmetrics process the bench starts, e.g. METRIC_ROLLUPS=off (repeatable; ROLLUP_TIMEZONE defaults to --timezone)',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--forecast-series <n>', 'segment series of the forecast measurement', positiveInt('--forecast-series'), 500)
    .option('--no-forecast', 'skip the forecast measurement')
    .option(
      '--no-import-floor',
      "skip the import's floor (PostgreSQL alone copying the loaded rows into empty copies of the tables, then their indexes and keys)",
    )
    .option('--explain-runs <n>', 'serial runs per statement when looking for the slowest', positiveInt('--explain-runs'), 3)
    .option('--out <file>', 'where the JSON result goes', join(projectRoot(), 'bench', 'results', 'latest.json'))
    .option('--compare <file>', 'an earlier result JSON to show beside this one')
    .showHelpAfterError();
  program.parse(argv);
  const o = program.opts<Options>();
  for (const kv of o.serverEnv) if (!/^[A-Z_][A-Z0-9_]*=/.test(kv)) throw new InvalidArgumentError(`--server-env ${kv}: expected KEY=VALUE`);
  if (o.schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(o.schema))
    throw new InvalidArgumentError('--schema must be a lower-case SQL identifier');
  return o;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);

function git(args: string[]): string | null {
  try {
    return execFileSync('git', args, { cwd: projectRoot(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** POSTs the operation as an API client would; resolves to its data, throws on an HTTP or GraphQL error. */
function graphqlClient(url: string, key: string, body: string): () => Promise<Record<string, unknown>> {
  return async () => {
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body,
    });
    const json = (await res.json()) as { data?: Record<string, unknown>; errors?: { message: string }[] };
    if (res.status !== 200 || json.errors?.length || !json.data) {
      throw new Error(`dashboard request failed (HTTP ${res.status}): ${json.errors?.map((e) => e.message).join('; ') ?? 'no data'}`);
    }
    return json.data;
  };
}

/** The bench's dashboard (with or without medians) as a client of the server at `url` requests it. */
const dashboardClient = (url: string, key: string, variables: Record<string, unknown>, medians: boolean) =>
  graphqlClient(url, key, JSON.stringify({ query: dashboardDocument({ medians }), variables }));

interface ApiMeasurement {
  dashboard: Latency;
  throughput: Throughput;
  medians: Latency;
  numbers: DashboardNumbers;
  mediansNumbers: DashboardNumbers;
  serverPeakRssBytes: number | null;
}

interface SqlMeasurement {
  variant: string;
  key: string;
  description: string;
  latency: Latency;
  /** Null when skipped (--raw-sql-runs). */
  throughput: Throughput | null;
  statementMs: Record<string, number>;
  /**
   * API latency / this variant's, at p50 and p95, from runs taking turns with the API's (both under the same load);
   * met when both are within the target.
   */
  apiRatio: { p50: number; p95: number; target: number; met: boolean; api: Latency };
  numbers: DashboardNumbers;
}

interface Check {
  what: string;
  numbers: number;
  differences: number;
  /** The first differences (at most 20). */
  first: Difference[];
}

interface SlowestStatement {
  source: string;
  ms: number;
  sql: string;
  params: unknown[];
  plan: string;
}

/** Counts the numbers a dashboard holds (values and sample sizes of totals, previous periods, buckets and segments). */
const countNumbers = (n: DashboardNumbers) => Object.values(n).reduce((sum, m) => sum + 4 + 2 * m.series.length + 2 * m.breakdown.length, 0);

function check(what: string, expected: DashboardNumbers, actual: DashboardNumbers): Check {
  const differences = compareNumbers(expected, actual);
  return { what, numbers: countNumbers(expected), differences: differences.length, first: differences.slice(0, 20) };
}

async function measureApi(
  server: ServerProcess,
  key: string,
  o: Options,
  variables: Record<string, unknown>,
): Promise<Omit<ApiMeasurement, 'serverPeakRssBytes'>> {
  const dashboard = dashboardClient(server.url, key, variables, false);
  const withMedians = dashboardClient(server.url, key, variables, true);
  log(`dashboard through the API: ${o.warmup} warm-up, ${o.runs} timed runs`);
  const numbers = numbersFromResponse(await dashboard());
  const latency = await sequentialRuns(dashboard, o.warmup, o.runs);
  log(
    `dashboard p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms; throughput: ${o.concurrency} clients for ${o.throughputSeconds} s`,
  );
  const load = await throughput(dashboard, o.concurrency, o.throughputSeconds);
  log(`${load.perSecond.toFixed(1)} dashboards/s; dashboard with medians: ${o.mediansRuns ?? o.runs} timed runs`);
  const mediansNumbers = numbersFromResponse(await withMedians());
  const medians = await sequentialRuns(withMedians, Math.min(o.warmup, 2), o.mediansRuns ?? o.runs);
  return { dashboard: latency, throughput: load, medians, numbers, mediansNumbers };
}

interface InTurnMeasurement {
  /** The other load's tickets and schema. */
  tickets: number;
  schema: string;
  /** This run's size, then the other's, each pair timed in turn. */
  dashboard: [Latency, Latency];
  withMedians: [Latency, Latency];
}

/**
 * The dashboards of this load and of another size's, requests alternating between a server on each: whatever else
 * loads the machine weighs on both sizes alike, which runs of the two sizes at different times cannot ensure.
 */
async function measureInTurn(
  server: ServerProcess,
  key: string,
  o: Options,
  variables: Record<string, unknown>,
  other: { tickets: number; schema: string; key: string; server: ServerProcess },
): Promise<InTurnMeasurement> {
  const pairs: [Latency, Latency][] = [];
  for (const medians of [false, true]) {
    const here = dashboardClient(server.url, key, variables, medians);
    const there = dashboardClient(other.server.url, other.key, variables, medians);
    log(
      `dashboard${medians ? ' with medians' : ''} in turn with ${other.tickets.toLocaleString('en-US')} tickets: ${o.warmup} warm-up, ${o.runs} timed runs each`,
    );
    pairs.push(await interleavedRuns(here, there, o.warmup, o.runs));
  }
  return { tickets: other.tickets, schema: other.schema, dashboard: pairs[0], withMedians: pairs[1] };
}

/** The in-turn ratios (the other size's latency over this one's); the medians' p95 has #18's target at ten times the size. */
function inTurnRows(inTurn: InTurnMeasurement, tickets: number): Row[] {
  return (['dashboard', 'withMedians'] as const).map((k): Row => {
    const [here, there] = inTurn[k];
    const p95 = there.p95 / here.p95;
    const targeted = k === 'withMedians' && inTurn.tickets === 10 * tickets;
    return {
      key: `inTurn.${k}`,
      label: `${k === 'dashboard' ? 'dashboard' : 'dashboard with medians'}: ${inTurn.tickets.toLocaleString('en-US')} / ${tickets.toLocaleString('en-US')} tickets, timed in turn, p50 / p95`,
      values: [there.p50 / here.p50, p95],
      unit: '×',
      target: targeted ? '≤ 1.5' : null,
      met: targeted ? p95 <= 1.5 : null,
    };
  });
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv);
  const schema = o.schema ?? `bench_${o.tickets}`;
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm run bench does)`);
  const searchPath = `-c search_path=${schema}`;
  const admin = new Pool({ connectionString: o.databaseUrl, max: 2 });
  const serverEnvExtra: Record<string, string> = {
    // A deployment sets ROLLUP_TIMEZONE to the zone its dashboards report in; the bench's dashboard reports in --timezone.
    ROLLUP_TIMEZONE: o.timezone,
    ...Object.fromEntries(o.serverEnv.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  };
  // Settings given with --server-env reach every deskmetrics process the bench starts: some shape the database itself
  // (ROLLUP_TIMEZONE rebuilds the rollups when it changes), so the load, the CLI and the servers must agree on them.
  const cliEnv = { ...serverEnvExtra, DATABASE_URL: o.databaseUrl, DATABASE_SCHEMA: schema, LOG_LEVEL: 'warn' };
  const serverEnv = { ...SERVER_ENV, ...serverEnvExtra, ...cliEnv, LOG_LEVEL: serverEnvExtra.LOG_LEVEL ?? SERVER_ENV.LOG_LEVEL };
  let pool: Pool | undefined;
  let sqlPool: Pool | undefined;
  const servers: ServerProcess[] = [];
  try {
    const pgVersion = (await admin.query('SHOW server_version')).rows[0].server_version as string;
    const pgSettings = Object.fromEntries(
      (
        await admin.query(
          `SELECT name, setting || coalesce(unit, '') AS value FROM pg_settings
           WHERE name IN ('shared_buffers', 'work_mem', 'effective_cache_size', 'max_parallel_workers_per_gather', 'jit', 'random_page_cost', 'max_connections')`,
        )
      ).rows.map((r: { name: string; value: string }) => [r.name, r.value]),
    );
    const gitStatus = git(['status', '--porcelain', '--untracked-files=no']);
    const meta = {
      date: new Date().toISOString(),
      // BENCH_GIT_COMMIT names the commit when the bench runs from an exported tree (git archive) rather than a checkout.
      gitCommit: git(['rev-parse', 'HEAD']) ?? process.env.BENCH_GIT_COMMIT ?? null,
      gitDirty: gitStatus === null ? null : gitStatus.length > 0,
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? null,
      memoryGb: Math.round(totalmem() / 1024 ** 3),
      node: process.version,
      postgres: pgVersion,
      pgSettings,
      database: redactUrl(o.databaseUrl),
      schema,
      tickets: o.tickets,
      seed: o.seed,
      runs: o.runs,
      warmup: o.warmup,
      concurrency: o.concurrency,
      throughputSeconds: o.throughputSeconds,
      serverEnv: { ...SERVER_ENV, ...serverEnvExtra },
      reused: false,
      sqlSession: SQL_SESSION,
      /** 1-, 5- and 15-minute load averages when the bench started and ended: other work on the machine skews figures. */
      loadAverage: { start: loadavg(), end: [] as number[] },
    };

    // 1. The data: a fresh load (the import measurement), or an earlier one of the same dataset.
    let imported: ImportMeasurement | null = null;
    if (o.reuse && (await holdsDemoData(admin, schema, o.tickets, o.seed))) {
      log(`reusing schema ${schema} (${o.tickets.toLocaleString('en-US')} demo tickets, seed ${o.seed}); ANALYZE`);
      meta.reused = true;
      await analyzeSchema(admin, schema);
    } else {
      await prepareEmptySchema(admin, schema);
    }
    // An analyst key (creating it migrates a new schema): the server needs one to start in production mode.
    const keyName = `bench-${Date.now()}`;
    const key = await createAnalystKey(keyName, cliEnv);
    if (!meta.reused) {
      // As deployed: a server runs on the database while the data is imported, and builds the rollups after its commit.
      log('starting deskmetrics serve on the empty schema: it builds the rollups after the import commits');
      const builder = await startServer(serverEnv);
      servers.push(builder);
      log(`loading ${o.tickets.toLocaleString('en-US')} demo tickets into schema ${schema} with deskmetrics demo`);
      imported = await loadDemo(admin, { databaseUrl: o.databaseUrl, schema, tickets: o.tickets, seed: o.seed, env: serverEnvExtra });
      servers.pop();
      await builder.stop();
      log(
        `loaded in ${imported.seconds.toFixed(1)} s: ${Math.round(imported.ticketsPerSecond).toLocaleString('en-US')} tickets/s, ` +
          `peak RSS ${imported.peakRssBytes ? Math.round(imported.peakRssBytes / MB) : '?'} MB; ` +
          `rollups ${imported.rollupsLeftToServer ? `built by the server ${imported.rollupsAfterSeconds.toFixed(1)} s after` : 'built by the import'}; ` +
          `VACUUM (ANALYZE) ${imported.vacuumAnalyzeSeconds.toFixed(1)} s`,
      );
    }

    // The import's floor, on the loaded rows (also of a reused load: it needs only the rows).
    let importFloor: ImportFloor | null = null;
    if (o.importFloor) {
      log('import floor: the loaded rows as COPY text into empty copies of the tables, then their indexes and keys');
      importFloor = await measureImportFloor(admin, { schema });
      log(
        `import floor ${importFloor.seconds.toFixed(1)} s (${Math.round(importFloor.ticketsPerSecond).toLocaleString('en-US')} tickets/s): ` +
          `copy ${importFloor.copySeconds.toFixed(1)} s, ${importFloor.indexes} indexes ${importFloor.indexSeconds.toFixed(1)} s, ` +
          `${importFloor.foreignKeys} foreign keys ${importFloor.foreignKeySeconds.toFixed(1)} s`,
      );
    }

    const tables = (
      await admin.query(
        `SELECT c.relname AS name, c.reltuples::int8 AS rows, pg_total_relation_size(c.oid) AS bytes
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind = 'r' AND pg_total_relation_size(c.oid) > 1048576
         ORDER BY pg_total_relation_size(c.oid) DESC`,
        [schema],
      )
    ).rows.map((r: { name: string; rows: string; bytes: string }) => ({ name: r.name, rows: Number(r.rows), bytes: Number(r.bytes) }));

    // 2. The dashboard: the last whole days of the demo window in the dashboard's zone.
    const dataEnd = new Date(`${DEFAULT_DEMO_END}T00:00:00Z`);
    const params = dashboardParams(dataEnd, { days: o.days, timezone: o.timezone, product: o.product });
    const variables = dashboardVariables(params);
    log(`dashboard period ${params.from.toISOString()} – ${params.to.toISOString()} (${o.timezone}), product ${o.product}`);
    // The API's statements are replayed with the server's session settings; the hand-written SQL runs without JIT
    // compilation, which costs more than it saves on these statements (part of making the floor as fast as we can).
    pool = new Pool({ connectionString: o.databaseUrl, max: 4, options: searchPath });
    // A variant that cannot compute this dashboard here (the rollup one, with daily rollups in another zone) is skipped.
    const variants: SqlVariant[] = [];
    const skippedVariants: { variant: string; reason: string }[] = [];
    for (const v of SQL_VARIANTS) {
      const reason = v.unavailable(params, serverEnvExtra.ROLLUP_TIMEZONE);
      if (reason) skippedVariants.push({ variant: v.name, reason });
      else variants.push(v);
    }
    if (variants[0] !== SQL_VARIANTS[0]) throw new Error(`hand-written SQL (${SQL_VARIANTS[0].name}) is unavailable: ${skippedVariants[0].reason}`);
    for (const s of skippedVariants) log(`skipping hand-written SQL (${s.variant}): ${s.reason}`);
    const statementsPerRun = Math.max(...variants.map((v) => v.statements(params).length));
    sqlPool = new Pool({
      connectionString: o.databaseUrl,
      max: Math.max(4, o.concurrency * statementsPerRun),
      options: `${searchPath} ${SQL_SESSION}`,
    });

    // 3. The API, as a client sees it: deskmetrics serve in a child process, the analyst key.
    log('starting deskmetrics serve');
    const server = await startServer(serverEnv);
    servers.push(server);
    // Rollups it found marked (a reused load's, a changed definition's) are built before the dashboard is timed.
    const rollupWait = await untilRollupsCurrent(admin, schema);
    if (rollupWait >= 1) log(`the server built the rollups in ${rollupWait.toFixed(1)} s after it started`);
    const apiPart = await measureApi(server, key, o, variables);

    let inTurn: InTurnMeasurement | null = null;
    if (o.inTurnWith !== undefined) {
      const otherSchema = `bench_${o.inTurnWith}`;
      if (!(await holdsDemoData(admin, otherSchema, o.inTurnWith, o.seed))) {
        throw new Error(
          `--in-turn-with ${o.inTurnWith}: schema ${otherSchema} does not hold that demo dataset (seed ${o.seed}); load it first with npm run bench -- --tickets ${o.inTurnWith}`,
        );
      }
      const otherEnv = { ...cliEnv, DATABASE_SCHEMA: otherSchema };
      const otherKey = await createAnalystKey(keyName, otherEnv);
      log(`starting deskmetrics serve on ${otherSchema}`);
      const otherServer = await startServer({ ...serverEnv, DATABASE_SCHEMA: otherSchema });
      servers.push(otherServer);
      try {
        await untilRollupsCurrent(admin, otherSchema);
        inTurn = await measureInTurn(server, key, o, variables, { tickets: o.inTurnWith, schema: otherSchema, key: otherKey, server: otherServer });
      } finally {
        servers.pop();
        await otherServer.stop();
        await runCli(['keys', 'revoke', keyName], otherEnv);
      }
    }

    let rawApi: { latency: Latency; numbers: DashboardNumbers } | null = null;
    if (o.rawApiRuns > 0) {
      log(`dashboard from a server reading the raw tables (METRIC_ROLLUPS=off): ${o.rawApiRuns} timed runs`);
      const rawServer = await startServer({ ...serverEnv, METRIC_ROLLUPS: 'off', DATABASE_STATEMENT_TIMEOUT_MS: '3600000' });
      servers.push(rawServer);
      const dashboard = dashboardClient(rawServer.url, key, variables, false);
      const numbers = numbersFromResponse(await dashboard());
      rawApi = { latency: await sequentialRuns(dashboard, 0, o.rawApiRuns), numbers };
      servers.pop();
      await rawServer.stop();
    }

    // 4. The floors: hand-written SQL, each run taking turns with one through the API (still serving), then under load;
    // and the cross-checks of the API's numbers against each.
    const apiDashboard = dashboardClient(server.url, key, variables, false);
    const apiMediansDashboard = dashboardClient(server.url, key, variables, true);
    // The raw tables' SQL is the reference whose numbers the others are checked against; --raw-sql-runs shortens its
    // timing (these runs, no warm-up or throughput, its statements timed once).
    const briefRuns = (v: SqlVariant) => (v === SQL_VARIANTS[0] ? o.rawSqlRuns : undefined);
    const sql: SqlMeasurement[] = [];
    for (const variant of variants) {
      const brief = briefRuns(variant);
      const [warmup, runs] = brief === undefined ? [o.warmup, o.runs] : [0, brief];
      log(
        `hand-written SQL (${variant.name}): ${warmup} warm-up, ${runs} timed runs taking turns with the API's` +
          (brief === undefined ? `, then ${o.concurrency} clients for ${o.throughputSeconds} s` : ''),
      );
      const query = async (text: string, values: unknown[]) => (await sqlPool!.query(text, values)).rows;
      const first = await runSqlVariant(variant, params, query);
      const api = variant.medians ? apiMediansDashboard : apiDashboard;
      const [apiLatency, latency] = await interleavedRuns(api, () => runSqlVariant(variant, params, query), warmup, runs);
      const load = brief !== undefined ? null : await throughput(() => runSqlVariant(variant, params, query), o.concurrency, o.throughputSeconds);
      const p50 = apiLatency.p50 / latency.p50;
      const p95 = apiLatency.p95 / latency.p95;
      sql.push({
        variant: variant.name,
        key: variant.key,
        description: variant.description,
        latency,
        throughput: load,
        statementMs: first.statementMs,
        apiRatio: { p50, p95, target: variant.apiRatioTarget, met: Math.max(p50, p95) <= variant.apiRatioTarget, api: apiLatency },
        numbers: first.numbers,
      });
    }
    servers.pop();
    const { peakRssBytes: serverPeakRssBytes } = await server.stop();
    const api: ApiMeasurement = { ...apiPart, serverPeakRssBytes };
    await runCli(['keys', 'revoke', keyName], cliEnv);
    const checks: Check[] = [
      check(`API dashboard = hand-written SQL (${sql[0].variant})`, sql[0].numbers, api.numbers),
      check(`API dashboard with medians = hand-written SQL (${sql[0].variant})`, sql[0].numbers, api.mediansNumbers),
      ...sql
        .slice(1)
        .flatMap((s, i) => [
          variants[i + 1].medians
            ? check(`API dashboard with medians = hand-written SQL (${s.variant})`, s.numbers, api.mediansNumbers)
            : check(`API dashboard = hand-written SQL (${s.variant})`, s.numbers, api.numbers),
          check(`hand-written SQL (${s.variant}) = hand-written SQL (${sql[0].variant})`, sql[0].numbers, s.numbers),
        ]),
      ...(rawApi ? [check(`API dashboard with METRIC_ROLLUPS=off = hand-written SQL (${sql[0].variant})`, sql[0].numbers, rawApi.numbers)] : []),
    ];

    // 5. The slowest statements, timed alone, and their plans.
    log('finding the slowest statements (API statements captured in-process, each timed alone)');
    const config = loadConfig({ ...process.env, ...serverEnv });
    const captured = await captureApiStatements(pool, config, dashboardDocument({ medians: false }), variables);
    const capturedMedians = await captureApiStatements(pool, config, dashboardDocument({ medians: true }), variables);
    const apiTimed = await timeStatements(pool, captured.statements, o.explainRuns);
    const mediansTimed = await timeStatements(pool, capturedMedians.statements, o.explainRuns);
    const sqlTimed: TimedStatement[][] = [];
    for (const v of variants) {
      sqlTimed.push(
        await timeStatements(
          sqlPool,
          v.statements(params).map((s): CapturedStatement => ({ label: s.name, sql: s.sql, params: s.params })),
          briefRuns(v) === undefined ? o.explainRuns : 1,
        ),
      );
    }
    const slowest = async (source: string, timed: TimedStatement[], on: Pool): Promise<SlowestStatement> => ({
      source,
      ms: timed[0].ms,
      sql: timed[0].sql,
      params: timed[0].params,
      plan: await explain(on, timed[0]),
    });
    const sqlSlowest: SlowestStatement[] = [];
    for (const [i, v] of variants.entries())
      sqlSlowest.push(await slowest(`hand-written SQL (${v.name}): ${sqlTimed[i][0].label}`, sqlTimed[i], sqlPool));
    const slow = {
      api: await slowest('API dashboard', apiTimed, pool),
      apiWithMedians: await slowest('API dashboard with medians', mediansTimed, pool),
      /** The first variant's (the raw tables), as in results before there were several. */
      sql: sqlSlowest[0],
      sqlVariants: sqlSlowest,
    };
    const statementList = (timed: TimedStatement[]) => timed.map((t) => ({ ms: t.ms, statement: statementHeadline(t.sql) }));

    // 6. Forecasts.
    let forecastTiming: ForecastTiming | null = null;
    if (o.forecast) {
      log(`forecasts: one daily series, then ${o.forecastSeries} segment series`);
      forecastTiming = await timeForecasts(pool, dataEnd, DEFAULT_DEMO_DAYS, o.forecastSeries);
    }

    // 7. The table and the JSON.
    const dashboardTargetNote = o.tickets === TARGETS.dashboardTargetTickets ? '' : ' (at 1M)';
    const rows: Row[] = [
      {
        key: 'import.ticketsPerSecond',
        label: 'import: tickets/s (with their messages)',
        values: [imported?.ticketsPerSecond ?? null],
        unit: 'tickets/s',
        target: `≥ ${TARGETS.importTicketsPerSecond.toLocaleString('en-US')}`,
        met: imported ? imported.ticketsPerSecond >= TARGETS.importTicketsPerSecond : null,
      },
      {
        key: 'import.floor',
        label: 'import floor: PostgreSQL alone copying the same rows, then their indexes and keys',
        values: [importFloor?.ticketsPerSecond ?? null],
        unit: 'tickets/s',
        target: null,
        met: null,
      },
      {
        key: 'import.toFloor',
        label: 'ratio import time (until its rows commit; metrics exact from then) / floor time',
        values: [imported && importFloor ? imported.seconds / importFloor.seconds : null],
        unit: '×',
        target: '≤ 2.5',
        met: imported && importFloor ? imported.seconds / importFloor.seconds <= 2.5 : null,
      },
      {
        key: 'import.withRollupsToFloor',
        label: 'ratio import time until its rollups are built (by the server, after the commit) / floor time',
        values: [imported && importFloor ? (imported.seconds + imported.rollupsAfterSeconds) / importFloor.seconds : null],
        unit: '×',
        target: null,
        met: null,
      },
      {
        key: 'import.peakRss',
        label: 'import: peak RSS',
        values: [imported?.peakRssBytes ? imported.peakRssBytes / MB : null],
        unit: 'MB',
        target: null,
        met: null,
      },
      {
        key: 'api.dashboard',
        label: 'dashboard via API p50 / p95 / p99',
        values: [api.dashboard.p50, api.dashboard.p95, api.dashboard.p99],
        unit: 'ms',
        target: `p95 ≤ ${TARGETS.dashboardP95Ms}${dashboardTargetNote}`,
        met: api.dashboard.p95 <= TARGETS.dashboardP95Ms,
      },
      {
        key: 'api.throughput',
        label: `dashboard via API throughput, ${o.concurrency} clients`,
        values: [api.throughput.perSecond],
        unit: 'req/s',
        target: null,
        met: null,
      },
      // The first variant's rows keep the keys of results from before there were several (for --compare).
      ...sql.flatMap((s, i): Row[] => {
        const key = (name: string) => (i === 0 ? name : `${name}.${s.key}`);
        return [
          {
            key: key('sql.dashboard'),
            label: `hand-written SQL (${s.variant}) p50 / p95 / p99`,
            values: [s.latency.p50, s.latency.p95, s.latency.p99],
            unit: 'ms',
            target: null,
            met: null,
          },
          ...(s.throughput
            ? [
                {
                  key: key('sql.throughput'),
                  label: `hand-written SQL (${s.variant}) throughput, ${o.concurrency} clients`,
                  values: [s.throughput.perSecond],
                  unit: 'req/s',
                  target: null,
                  met: null,
                },
              ]
            : []),
          {
            key: key('ratio.apiToSql'),
            label: `ratio API / SQL (${s.variant}) at p50 / p95, runs in turn`,
            values: [s.apiRatio.p50, s.apiRatio.p95],
            unit: '×',
            target: `≤ ${s.apiRatio.target}`,
            met: s.apiRatio.met,
          },
        ];
      }),
      {
        key: 'api.medians',
        label: 'dashboard with medians p50 / p95',
        values: [api.medians.p50, api.medians.p95],
        unit: 'ms',
        target: null,
        met: null,
      },
      ...(inTurn ? inTurnRows(inTurn, o.tickets) : []),
      ...(rawApi
        ? [
            {
              key: 'api.rawTables',
              label: 'dashboard, METRIC_ROLLUPS=off, p50 / p95',
              values: [rawApi.latency.p50, rawApi.latency.p95],
              unit: 'ms',
              target: null,
              met: null,
            },
          ]
        : []),
      {
        key: 'forecast.perSeries',
        label: `forecast of one daily series (${forecastTiming?.single.points ?? '–'} days)`,
        values: [forecastTiming?.single.medianMs ?? null],
        unit: 'ms',
        target: null,
        met: null,
      },
      {
        key: 'forecast.segments',
        label: `forecast of ${o.forecastSeries} daily segment series`,
        values: [forecastTiming?.segments.totalSeconds ?? null],
        unit: 's',
        target: `< ${TARGETS.forecast500Seconds}`,
        met: forecastTiming ? forecastTiming.segments.totalSeconds < TARGETS.forecast500Seconds : null,
      },
      {
        key: 'api.serverPeakRss',
        label: 'API server: peak RSS',
        values: [api.serverPeakRssBytes ? api.serverPeakRssBytes / MB : null],
        unit: 'MB',
        target: null,
        met: null,
      },
      { key: 'api.statements', label: 'SQL statements per dashboard (API)', values: [captured.statements.length], unit: '', target: null, met: null },
    ];

    meta.loadAverage.end = loadavg();
    const result = {
      meta,
      tables,
      period: {
        from: params.from.toISOString(),
        to: params.to.toISOString(),
        previousFrom: params.previousFrom.toISOString(),
        timezone: params.timezone,
        product: params.product,
        days: params.days.length,
      },
      rows,
      import: imported,
      importFloor,
      api: {
        dashboard: api.dashboard,
        throughput: api.throughput,
        withMedians: api.medians,
        rawTables: rawApi?.latency ?? null,
        inTurn,
        serverPeakRssBytes: api.serverPeakRssBytes,
        statements: statementList(apiTimed),
        statementsWithMedians: statementList(mediansTimed),
      },
      sql: sql.map(({ numbers: _numbers, ...s }) => s),
      skippedSqlVariants: skippedVariants,
      checks,
      slowest: slow,
      forecast: forecastTiming,
    };

    let previous: Row[] | undefined;
    if (o.compare) previous = (JSON.parse(readFileSync(resolve(o.compare), 'utf8')) as { rows: Row[] }).rows;
    const out = resolve(o.out);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);

    const lines: string[] = [];
    lines.push(
      `deskmetrics bench — ${meta.date.slice(0, 10)}, commit ${meta.gitCommit?.slice(0, 10) ?? '?'}${meta.gitDirty ? ' (uncommitted changes)' : ''}, ` +
        `${meta.cores} cores (${meta.cpu ?? '?'}), ${meta.memoryGb} GB, Node ${meta.node}, PostgreSQL ${meta.postgres}`,
    );
    lines.push(
      `${o.tickets.toLocaleString('en-US')} demo tickets (seed ${o.seed}) in schema ${schema}${meta.reused ? ' (reused: no import figures)' : ''}; ` +
        `dashboard: ${params.days.length} days ${params.from.toISOString()} – ${params.to.toISOString()} (${params.timezone}), product ${params.product}; ` +
        `${o.runs} runs after ${o.warmup} warm-up`,
    );
    lines.push(
      `load average at start ${meta.loadAverage.start.map((l) => l.toFixed(1)).join(' ')}, at end ${meta.loadAverage.end.map((l) => l.toFixed(1)).join(' ')}`,
    );
    lines.push(
      `tables (rows, with indexes): ${tables.map((t) => `${t.name} ${t.rows.toLocaleString('en-US')} ${Math.round(t.bytes / MB).toLocaleString('en-US')} MB`).join('; ')}`,
    );
    lines.push('');
    lines.push(formatTable(rows, previous));
    lines.push('');
    for (const c of checks) {
      lines.push(
        c.differences === 0
          ? `check: ${c.what}: all ${c.numbers.toLocaleString('en-US')} numbers equal`
          : `WARNING: ${c.what}: ${c.differences} of ${c.numbers.toLocaleString('en-US')} numbers differ, e.g.\n` +
              c.first
                .slice(0, 10)
                .map((d) => `  ${d.metric} ${d.where}: SQL ${JSON.stringify(d.expected)}, other ${JSON.stringify(d.actual)}`)
                .join('\n'),
      );
    }
    for (const s of skippedVariants) lines.push(`note: hand-written SQL (${s.variant}) not run: ${s.reason}`);
    if (forecastTiming?.segments.note) lines.push(`note: forecast: ${forecastTiming.segments.note}`);
    if (inTurn) {
      const pair = ([a, b]: [Latency, Latency]) =>
        `${a.p50.toFixed(1)} / ${a.p95.toFixed(1)} ms here, ${b.p50.toFixed(1)} / ${b.p95.toFixed(1)} ms there`;
      lines.push(
        `note: in turn with ${inTurn.tickets.toLocaleString('en-US')} tickets (${inTurn.schema}), p50 / p95: dashboard ${pair(inTurn.dashboard)}; with medians ${pair(inTurn.withMedians)}`,
      );
    }
    if (imported) {
      lines.push(
        `note: import: ${imported.tickets.toLocaleString('en-US')} tickets, ${imported.messages.toLocaleString('en-US')} messages, ${imported.rows.toLocaleString('en-US')} records in ` +
          `${imported.seconds.toFixed(1)} s wall (importer's own total ${imported.importerSeconds?.toFixed(1) ?? '?'} s; tickets + messages files ${imported.ticketsAndMessagesSeconds?.toFixed(1) ?? '?'} s); ` +
          `${imported.finishing ? `after the files: first responses ${imported.finishing.firstResponses.toFixed(1)} s, indexes ${imported.finishing.indexes.toFixed(1)} s, rollups ${imported.finishing.rollups.toFixed(1)} s; ` : ''}` +
          `${imported.rollupsLeftToServer ? `rollups built by the server ${imported.rollupsAfterSeconds.toFixed(1)} s after the import returned; ` : ''}` +
          `VACUUM (ANALYZE) afterwards ${imported.vacuumAnalyzeSeconds.toFixed(1)} s`,
      );
    }
    if (importFloor) {
      lines.push(
        `note: import floor: ${importFloor.seconds.toFixed(1)} s in one transaction — COPY ${importFloor.copySeconds.toFixed(1)} s ` +
          `(${importFloor.tables.map((t) => `${t.table} ${t.rows.toLocaleString('en-US')} rows ${t.copySeconds.toFixed(1)} s`).join(', ')}), ` +
          `${importFloor.indexes} indexes and keys ${importFloor.indexSeconds.toFixed(1)} s, ${importFloor.foreignKeys} foreign keys ${importFloor.foreignKeySeconds.toFixed(1)} s, commit ${importFloor.commitSeconds.toFixed(1)} s; ` +
          `no validation, reference lookups, first responses or rollups`,
      );
    }
    lines.push('');
    lines.push(`API statements of one dashboard, each timed alone (median of ${o.explainRuns}):`);
    for (const t of apiTimed) lines.push(`  ${t.ms.toFixed(1).padStart(8)} ms  ${statementHeadline(t.sql, 120)}`);
    for (const [i, v] of variants.entries()) {
      const runs = sqlTimed[i][0]?.runs ?? o.explainRuns;
      lines.push(
        `Hand-written SQL (${v.name}) statements, each timed alone (${runs === 1 ? 'one run' : `median of ${runs}`}; run concurrently in the dashboard):`,
      );
      for (const t of sqlTimed[i]) lines.push(`  ${t.ms.toFixed(1).padStart(8)} ms  ${t.label}`);
    }
    for (const s of [slow.api, ...slow.sqlVariants]) {
      lines.push('');
      lines.push(`Slowest statement of the ${s.source} (${s.ms.toFixed(1)} ms alone), EXPLAIN (ANALYZE, BUFFERS):`);
      lines.push(s.plan);
    }
    lines.push('');
    lines.push(`Slowest statement of the ${slow.apiWithMedians.source}: ${slow.apiWithMedians.ms.toFixed(1)} ms alone (plan in the JSON).`);
    lines.push(`Written to ${out}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const s of servers) await s.stop().catch(() => undefined);
    await pool?.end();
    await sqlPool?.end();
    await admin.end();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
