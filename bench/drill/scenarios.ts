/**
 * The drill's scenarios on one database: killed imports, a killed and restarted server, a second process on a held
 * embedded folder, a database outage through a TCP proxy (PostgreSQL), and SIGTERM under load. Each returns rows of the
 * report: what the documentation promises, what happened, and how many rows differ from the expected database state.
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { LOCK_FILE } from '../../src/db/data-folder-lock';
import { startTcpProxy, type TcpProxy } from '../../test/support/tcp-proxy';
import { differingRows, formatDifference, readState, targetEnv, type DatabaseState, type DrillTarget } from './database-state';
import { killHard, runCliToEnd, startCli, startServer, type Server } from './processes';
import { graphql, healthz, sleep, startLoad, summarize, type Outcome } from './traffic';

export interface DrillRow {
  database: string;
  scenario: string;
  expected: string;
  observed: string;
  dataLost: string;
  /** Observed as expected. */
  ok: boolean;
}

/** Everything a server needs besides the database: no demo load, no throttling of the drill's own load. */
const SERVER_ENV: Record<string, string> = {
  DESKMETRICS_DEMO: 'off',
  LOG_LEVEL: 'info',
  RATE_LIMIT_BURST_COST: '1000000000',
  RATE_LIMIT_COST_PER_SECOND: '1000000000',
  // Concurrent clients share one key: its cap on concurrent expensive operations would throttle them.
  MAX_CONCURRENT_EXPENSIVE_PER_KEY: '1000000',
};

const IMPORT_TIMEOUT_MS = 300_000;
/** Tables an import fills with its own times (its run, the rollups' refresh times): left out when comparing with the copy. */
const AFTER_IMPORT_IGNORED = ['import_runs', 'rollup_state'];
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Times of a complete import of the second dataset, measured on a copy: where the kill points go. */
interface ImportTiming {
  /** From the process start to its "importing … into" line. */
  startupSeconds: number;
  /** The files themselves. */
  filesSeconds: number;
  /** First responses, indexes, rollups. */
  finishingSeconds: number;
  /** The rollup refresh alone (the last step). */
  rollupSeconds: number;
}

function parseTiming(output: string, startupSeconds: number): ImportTiming {
  const total = Number(/Imported [\d,]+ rows in ([\d.]+) s/.exec(output)?.[1]);
  const after = /After the files: ([\d.]+) s deriving first responses, ([\d.]+) s rebuilding indexes, ([\d.]+) s refreshing rollups/.exec(output);
  const finishing = after ? Number(after[1]) + Number(after[2]) + Number(after[3]) : 0;
  if (!Number.isFinite(total)) throw new Error(`no import summary in:\n${output.slice(-2000)}`);
  return { startupSeconds, filesSeconds: total - finishing, finishingSeconds: finishing, rollupSeconds: after ? Number(after[3]) : 0 };
}

/** One database's drill: its target, the datasets, and the states the scenarios compare with. */
export class DatabaseDrill {
  readonly rows: DrillRow[] = [];
  private key: string | undefined;
  private before!: DatabaseState;
  private afterSecond!: DatabaseState;
  private timing!: ImportTiming;

  constructor(
    private readonly name: string,
    private readonly target: DrillTarget,
    private readonly datasets: { first: string; second: string },
    private readonly log: (line: string) => void,
  ) {}

  private get env() {
    return targetEnv(this.target);
  }

  private add(scenario: string, expected: string, observed: string, dataLost: string, ok: boolean) {
    this.rows.push({ database: this.name, scenario, expected, observed, dataLost, ok });
    this.log(`${ok ? 'ok  ' : 'DIFF'} ${this.name}: ${scenario}: ${observed}; data lost ${dataLost}`);
  }

  /** Runs a scenario; a scenario that throws is a row of its own, and the drill goes on. */
  private async scenario(name: string, expected: string, run: () => Promise<void>) {
    this.log(`${this.name}: ${name}`);
    try {
      await run();
    } catch (err) {
      this.add(name, expected, `drill error: ${(err as Error).message.split('\n')[0]}`, 'unknown', false);
    }
  }

  /** Loads the first dataset, and measures an import of the second on a copy (expected state and kill points). */
  async prepare(): Promise<void> {
    const first = await runCliToEnd(['import', this.datasets.first], this.env, IMPORT_TIMEOUT_MS);
    if (first.code !== 0) throw new Error(`import of the first dataset failed (${first.code}):\n${first.output.slice(-2000)}`);
    this.before = await readState(this.target);
    const copy: DrillTarget =
      this.target.kind === 'pglite'
        ? { kind: 'pglite', dataDir: `${this.target.dataDir}-copy` }
        : { ...this.target, schema: `${this.target.schema}_copy` };
    try {
      if (copy.kind === 'pglite' && this.target.kind === 'pglite') cpSync(this.target.dataDir, copy.dataDir, { recursive: true });
      else {
        await dropSchema(this.target as Extract<DrillTarget, { kind: 'postgres' }>, (copy as Extract<DrillTarget, { kind: 'postgres' }>).schema);
        const load = await runCliToEnd(['import', this.datasets.first], targetEnv(copy), IMPORT_TIMEOUT_MS);
        if (load.code !== 0) throw new Error(`import into the copy failed:\n${load.output.slice(-2000)}`);
      }
      const started = performance.now();
      const p = startCli(['import', this.datasets.second], targetEnv(copy));
      await p.waitFor(/^importing .* into /m, IMPORT_TIMEOUT_MS);
      const startup = (performance.now() - started) / 1000;
      const end = await p.ended;
      if (end.code !== 0) throw new Error(`import of the second dataset failed (${end.code}):\n${p.output().slice(-2000)}`);
      this.timing = parseTiming(p.output(), startup);
      this.afterSecond = await readState(copy);
    } finally {
      if (copy.kind === 'pglite') rmSync(copy.dataDir, { recursive: true, force: true });
      else await dropSchema(copy, copy.schema);
    }
    const t = this.timing;
    this.log(
      `${this.name}: import of the second dataset: ${t.startupSeconds.toFixed(1)} s to start, ${t.filesSeconds.toFixed(1)} s of files, ${t.finishingSeconds.toFixed(1)} s of final steps`,
    );
  }

  /** kill -9 of `deskmetrics import` at a point after its "importing" line; the database must be as before. */
  async killedImport(point: 'early' | 'mid-file' | 'final steps'): Promise<void> {
    const t = this.timing;
    // The final steps are found by the import's own announcement, not by the clock: a loaded machine shifts the files.
    const offset = point === 'early' ? 0.05 * t.filesSeconds : point === 'mid-file' ? 0.5 * t.filesSeconds : 0.5 * t.rollupSeconds;
    const mark = point === 'final steps' ? /^refreshing rollups$/m : /^importing .* into /m;
    const expected = 'database as before the import; folder opens; backends gone';
    const name = `kill -9 import, ${point === 'final steps' ? 'rollup refresh' : point}`;
    await this.scenario(`${name} (+${offset.toFixed(1)} s)`, expected, async () => {
      const p = startCli(['import', this.datasets.second], this.env);
      await p.waitFor(mark, IMPORT_TIMEOUT_MS);
      await sleep(offset * 1000);
      if (!p.running()) {
        const end = await p.ended;
        const state = await readState(this.target);
        this.add(name, expected, `import ended (exit ${end.code}) before the kill point`, formatDifference(differingRows(this.before, state)), false);
        return;
      }
      const doing = this.target.kind === 'postgres' ? await runningStatement(this.target, p.pid) : undefined;
      const lastLine = p.output().trim().split('\n').pop() ?? '';
      await killHard(p);
      const gone = this.target.kind === 'postgres' ? await backendsGone(this.target, p.pid, 15_000) : undefined;
      const state = await readState(this.target);
      const diff = differingRows(this.before, state);
      const where = doing ? `running ${doing}` : `last line "${lastLine.slice(0, 60)}"`;
      const backends = gone === undefined ? '' : gone === null ? '; backends still running after 15 s' : `; backends gone after ${seconds(gone)}`;
      this.add(name, expected, `killed ${where}; folder opened${backends}`, formatDifference(diff), diff.total === 0 && gone !== null);
    });
  }

  /** After the killed imports, a complete one: the database then equals the copy's. */
  async secondImport(): Promise<void> {
    const expected = 'exit 0; database equals the measured import on a copy';
    await this.scenario('import after the kills', expected, async () => {
      const run = await runCliToEnd(['import', this.datasets.second], this.env, IMPORT_TIMEOUT_MS);
      const diff = differingRows(this.afterSecond, await readState(this.target), AFTER_IMPORT_IGNORED);
      this.add(
        'import after the kills',
        expected,
        `exit ${run.code} in ${run.seconds.toFixed(1)} s`,
        formatDifference(diff),
        run.code === 0 && diff.total === 0,
      );
    });
  }

  /** Starts a server (through `proxy` on PostgreSQL). */
  private async serve(proxy?: TcpProxy, extra: Record<string, string> = {}): Promise<Server> {
    const env = { ...SERVER_ENV, ...this.env, ...extra };
    if (proxy && this.target.kind === 'postgres') {
      const url = new URL(this.target.url);
      url.hostname = '127.0.0.1';
      url.port = String(proxy.port);
      env.DATABASE_URL = url.toString();
    }
    const server = await startServer(env, this.key);
    this.key = server.key;
    return server;
  }

  /** kill -9 of a server under load, then a restart: data intact, the embedded folder's lock taken over. */
  async killedServer(proxy?: TcpProxy): Promise<Server | undefined> {
    const expected = 'data intact; restart serves (folder lock taken over)';
    let restarted: Server | undefined;
    await this.scenario('kill -9 serve under load, restart', expected, async () => {
      const server = await this.serve(proxy);
      const load = startLoad(server.url, server.key, { clients: 6, maxRequests: 5000, maxSeconds: 20 });
      await waitUntil(() => load.sent() >= 30, 15_000);
      const inFlight = load.inFlight();
      await killHard(server.process);
      const outcomes = await load.stop();
      const gone = this.target.kind === 'postgres' ? await backendsGone(this.target, server.process.pid, 15_000) : undefined;
      const diff = differingRows(this.afterSecond, await readState(this.target), AFTER_IMPORT_IGNORED);
      const started = performance.now();
      restarted = await this.serve(proxy);
      const answer = await graphql(restarted.url, restarted.key);
      const backends = gone === undefined ? '' : gone === null ? '; backends still running after 15 s' : `; backends gone after ${seconds(gone)}`;
      this.add(
        'kill -9 serve under load, restart',
        expected,
        `killed with ${inFlight} requests in flight (${summarize(outcomes)})${backends}; restarted in ${seconds(performance.now() - started)}, answers ${answer.status}`,
        formatDifference(diff),
        diff.total === 0 && answer.status === 200 && gone !== null,
      );
    });
    return restarted;
  }

  /** A second process on an embedded folder held by serve is refused; `deskmetrics import` goes through the server. */
  async secondProcess(server: Server): Promise<void> {
    const expected = 'keys list: exit 2 naming the server; import: through the server, exit 0';
    await this.scenario('second process on the held folder', expected, async () => {
      const other = await runCliToEnd(['keys', 'list'], this.env, 60_000);
      const named = new RegExp(`in use by deskmetrics serve, process ${server.process.pid}`).test(other.output);
      const imported = await runCliToEnd(['import', this.datasets.second], this.env, IMPORT_TIMEOUT_MS);
      const through = /importing through it/.test(imported.output);
      this.add(
        'second process on the held folder',
        expected,
        `keys list: exit ${other.code}${named ? ', names the server' : `, said "${other.output.trim().split('\n')[0]}"`}; import: ${through ? 'through the server' : 'NOT through the server'}, exit ${imported.code}`,
        'see SIGTERM row',
        other.code === 2 && named && through && imported.code === 0,
      );
    });
  }

  /** The proxy cut (refused) or frozen (no answer), then back: 503 DATABASE_UNAVAILABLE, /healthz in time, recovery. */
  async outage(server: Server, proxy: TcpProxy, how: 'cut' | 'freeze'): Promise<void> {
    const healthBudgetMs = 2000 + 1000; // HEALTH_CHECK_TIMEOUT_MS (default) and a second of slack.
    const expected = `503 DATABASE_UNAVAILABLE + Retry-After; /healthz 503 within ${seconds(healthBudgetMs)}; recovers; one log line per change`;
    const name = how === 'cut' ? 'outage: proxy refuses connections' : 'outage: proxy stops forwarding';
    await this.scenario(name, expected, async () => {
      const warm = await graphql(server.url, server.key);
      if (warm.status !== 200) throw new Error(`the server did not answer 200 before the outage (${warm.status} ${warm.code ?? warm.error})`);
      const logBefore = server.process.output().length;
      if (how === 'cut') await proxy.cut();
      else proxy.freeze();
      const [requests, health] = await Promise.all([
        Promise.all([0, 1, 2].map(() => graphql(server.url, server.key, undefined, 20_000))),
        sleep(200).then(() => healthz(server.url, 20_000)),
      ]);
      if (how === 'freeze') await proxy.cut(); // Frozen connections never resume; dropping them is how such an outage ends.
      await proxy.restore();
      const recoveryStarted = performance.now();
      let recovered: Outcome | undefined;
      while (performance.now() - recoveryStarted < 30_000) {
        const o = await graphql(server.url, server.key, undefined, 10_000);
        if (o.status === 200) {
          recovered = o;
          break;
        }
        await sleep(500);
      }
      const recoveryMs = performance.now() - recoveryStarted;
      const log = server.process.output().slice(logBefore);
      const downLines = (log.match(/database unreachable/g) ?? []).length;
      const upLines = (log.match(/database reachable again/g) ?? []).length;
      const all503 = requests.every((o) => o.status === 503 && o.code === 'DATABASE_UNAVAILABLE' && o.retryAfter);
      const slowest = Math.max(...requests.map((o) => o.ms));
      const healthOk = health.status === 503 && health.ms <= healthBudgetMs;
      this.add(
        name,
        expected,
        `requests: ${summarize(requests)}${requests.some((o) => o.retryAfter) ? `, Retry-After ${requests.find((o) => o.retryAfter)?.retryAfter}` : ', no Retry-After'}, slowest ${seconds(slowest)}; ` +
          `/healthz ${health.status ?? health.error} in ${seconds(health.ms)}; ${recovered ? `recovered ${seconds(recoveryMs)} after the proxy came back` : 'not recovered within 30 s'}; ` +
          `log: ${downLines}× unreachable, ${upLines}× reachable again`,
        '0 (read-only)',
        all503 && healthOk && Boolean(recovered) && downLines === 1 && upLines === 1,
      );
    });
  }

  /** SIGTERM under load: in-flight requests answered, exit 0 (or 1 after cancelled statements), no backends left. */
  async sigtermUnderLoad(server: Server): Promise<void> {
    const expected = 'in-flight requests answered; exit 0 (1 if statements were cancelled); no backends; data intact';
    await this.scenario('SIGTERM under load', expected, async () => {
      const load = startLoad(server.url, server.key, { clients: 6, maxRequests: 5000, maxSeconds: 20 });
      await waitUntil(() => load.sent() >= 30, 15_000);
      const answeredBefore = load.sent() - load.inFlight();
      const inFlight = load.inFlight();
      server.process.child.kill('SIGTERM');
      const stopStarted = performance.now();
      const outcomes = await load.stop();
      const afterSignal = outcomes.slice(answeredBefore);
      const end = await server.process.ended;
      const stopMs = performance.now() - stopStarted;
      const cancelled = /statements cancelled/.test(server.process.output());
      const gone = this.target.kind === 'postgres' ? await backendsGone(this.target, server.process.pid, 5_000) : undefined;
      const lockLeft = this.target.kind === 'pglite' && existsSync(join(this.target.dataDir, LOCK_FILE));
      const diff = differingRows(this.afterSecond, await readState(this.target), AFTER_IMPORT_IGNORED);
      const unanswered = afterSignal.filter((o) => o.status === null);
      const exitOk = end.code === (cancelled ? 1 : 0);
      const cleanup =
        gone === undefined
          ? lockLeft
            ? 'lock file left'
            : 'lock file removed'
          : gone === null
            ? 'backends still running after 5 s'
            : `backends gone after ${seconds(gone)}`;
      this.add(
        'SIGTERM under load',
        expected,
        `${inFlight} in flight at the signal: ${summarize(afterSignal)}; exit ${end.code ?? end.signal} after ${seconds(stopMs)}${cancelled ? ' (statements cancelled)' : ''}; ${cleanup}`,
        formatDifference(diff),
        unanswered.length === 0 && exitOk && gone !== null && !lockLeft && diff.total === 0,
      );
    });
  }

  /**
   * SIGTERM while a request waits on a lock longer than SHUTDOWN_TIMEOUT_MS (PostgreSQL): its statement cancelled, the
   * request answered with an error, exit 1.
   */
  async sigtermStuckRequest(): Promise<void> {
    if (this.target.kind !== 'postgres') return;
    const target = this.target;
    const expected = 'after SHUTDOWN_TIMEOUT_MS (2 s): statement cancelled, request answered with an error, exit 1, no backends';
    await this.scenario('SIGTERM with a request outliving the drain', expected, async () => {
      const server = await this.serve(undefined, { SHUTDOWN_TIMEOUT_MS: '2000' });
      const watcher = new Client({ connectionString: target.url });
      await watcher.connect();
      try {
        const warm = await graphql(server.url, server.key);
        if (warm.status !== 200) throw new Error(`warm-up request answered ${warm.status}`);
        await watcher.query('BEGIN');
        await watcher.query(
          `LOCK TABLE "${target.schema}".tickets, "${target.schema}".ticket_rollup, "${target.schema}".ticket_rollup_daily IN ACCESS EXCLUSIVE MODE`,
        );
        const answer = graphql(server.url, server.key);
        const app = `deskmetrics-${server.process.pid}`;
        await waitUntilAsync(
          async () =>
            Number(
              (await watcher.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`, [app]))
                .rows[0].n,
            ) > 0,
          15_000,
        );
        const started = performance.now();
        server.process.child.kill('SIGTERM');
        const outcome = await answer;
        const end = await server.process.ended;
        const stopMs = performance.now() - started;
        await watcher.query('ROLLBACK');
        const gone = await backendsGone(target, server.process.pid, 5_000);
        const cancelled = /statements cancelled/.test(server.process.output());
        this.add(
          'SIGTERM with a request outliving the drain',
          expected,
          `request: ${summarize([outcome])}; exit ${end.code ?? end.signal} after ${seconds(stopMs)}${cancelled ? ', statements cancelled' : ', nothing cancelled'}; ${gone === null ? 'backends still running' : `backends gone after ${seconds(gone)}`}`,
          '0 (read-only)',
          outcome.status !== null && Boolean(outcome.code) && end.code === 1 && cancelled && gone !== null,
        );
      } finally {
        server.process.child.kill('SIGKILL');
        await watcher.query('ROLLBACK').catch(() => undefined);
        await watcher.end();
      }
    });
  }

  /** The drill on this database, scenario after scenario. */
  async run(): Promise<void> {
    await this.prepare();
    for (const point of ['early', 'mid-file', 'final steps'] as const) await this.killedImport(point);
    await this.secondImport();
    const proxy = this.target.kind === 'postgres' ? await startTcpProxy(postgresAddress(this.target.url)) : undefined;
    let server: Server | undefined;
    try {
      server = await this.killedServer(proxy);
      if (!server) server = await this.serve(proxy);
      if (this.target.kind === 'pglite') await this.secondProcess(server);
      if (proxy) {
        await this.outage(server, proxy, 'cut');
        await this.outage(server, proxy, 'freeze');
      }
      await this.sigtermUnderLoad(server);
      await this.sigtermStuckRequest();
    } finally {
      if (server?.process.running()) await killHard(server.process);
      await proxy?.close();
    }
  }
}

function postgresAddress(url: string): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || 5432) };
}

/** Drops a drill schema (created again by the next process that opens it). */
export async function dropSchema(target: Extract<DrillTarget, { kind: 'postgres' }>, schema: string): Promise<void> {
  const client = new Client({ connectionString: target.url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** What a deskmetrics process's busiest session is running on PostgreSQL (its first words), or "nothing". */
async function runningStatement(target: Extract<DrillTarget, { kind: 'postgres' }>, pid: number): Promise<string> {
  const client = new Client({ connectionString: target.url });
  await client.connect();
  try {
    const rows = await client.query(
      `SELECT left(regexp_replace(query, '\\s+', ' ', 'g'), 50) AS q FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'`,
      [`deskmetrics-${pid}`],
    );
    return rows.rows.length ? `"${rows.rows[0].q}…"` : 'nothing';
  } finally {
    await client.end();
  }
}

/** Milliseconds until no session of the process is left on PostgreSQL, or null after `timeoutMs`. */
async function backendsGone(target: Extract<DrillTarget, { kind: 'postgres' }>, pid: number, timeoutMs: number): Promise<number | null> {
  const client = new Client({ connectionString: target.url });
  await client.connect();
  const started = performance.now();
  try {
    for (;;) {
      const n = Number(
        (await client.query('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [`deskmetrics-${pid}`])).rows[0].n,
      );
      if (n === 0) return performance.now() - started;
      if (performance.now() - started > timeoutMs) return null;
      await sleep(100);
    }
  } finally {
    await client.end();
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  return waitUntilAsync(async () => condition(), timeoutMs);
}

async function waitUntilAsync(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(100);
  }
}
