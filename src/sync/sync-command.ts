import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { Database } from '../db/data-source';
import type { CommandOutput } from '../import/import-command';
import { formatValidationError } from '../import/import-output';
import { ImportValidationError } from '../import/import-problems';
import { openMigratedDatabase } from '../metrics/rollups/migrated-database';
import type { HttpClientOptions } from './http-client';
import type { SourceConnector } from './source-connector';
import { failAtFromEnv, runSync, SyncError, type SyncOptions } from './sync-engine';
import { formatPage, formatRetry, formatSyncSummary } from './sync-output';
import { loadZendeskConfig, ZendeskConfigError } from './zendesk/zendesk-config';
import { zendeskAccountFromEnv, zendeskConnector, ZendeskEnvError } from './zendesk/zendesk-source';

/** Options of `deskmetrics sync zendesk`. */
export interface SyncCommandOptions {
  since?: string;
  config?: string;
  watch?: boolean;
  every?: string;
}

/** What a test replaces: the environment, the clock, the HTTP client's settings, the crash hook. */
export interface SyncCommandDeps {
  env?: Record<string, string | undefined>;
  sleep?: (ms: number) => Promise<void>;
  client?: Partial<HttpClientOptions>;
  onCheckpoint?: SyncOptions['onCheckpoint'];
  /** Stops --watch after this many runs (tests). */
  maxRuns?: number;
}

/** A bad argument; the message names it. */
export class SyncArgumentError extends Error {}

/** `--since`: a date (midnight UTC) or a timestamp with an offset. */
export function parseSince(value: string): Date {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(`${value}T00:00:00Z`)
    : /(Z|[+-]\d{2}:?\d{2})$/.test(value)
      ? new Date(value)
      : new Date(NaN);
  if (Number.isNaN(date.getTime()))
    throw new SyncArgumentError(
      `--since must be a date (2025-01-31) or a timestamp with an offset (2025-01-31T08:00:00Z); got ${JSON.stringify(value)}`,
    );
  if (date.getTime() > Date.now()) throw new SyncArgumentError(`--since ${value} is in the future`);
  return date;
}

/** `--every`: 30s, 5m, 1h (at least 10 s). */
export function parseEvery(value: string): number {
  const m = /^(\d+)(s|m|h)$/.exec(value.trim());
  const ms = m ? Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 's' | 'm' | 'h'] : NaN;
  if (!(ms >= 10_000)) throw new SyncArgumentError(`--every must be a duration of at least 10s, like 30s, 5m or 1h; got ${JSON.stringify(value)}`);
  return ms;
}

/**
 * `deskmetrics sync zendesk`: pulls the account's changes since the stored cursors (or since --since on the first run)
 * into the database; with --watch, again every --every. Resolves to the exit code: 0 done, 1 a page of invalid
 * records, 2 any other error (bad settings, the API, the database).
 */
export async function runSyncCommand(
  config: Config,
  options: SyncCommandOptions,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
  deps: SyncCommandDeps = {},
): Promise<number> {
  const { stderr } = output;
  const env = deps.env ?? process.env;
  let connector: SourceConnector;
  let syncOptions: SyncOptions;
  let everyMs = 0;
  try {
    const zendeskConfig = loadZendeskConfig(options.config);
    const account = zendeskAccountFromEnv(env);
    const since = options.since ? parseSince(options.since) : undefined;
    if (options.watch) everyMs = parseEvery(options.every ?? '5m');
    else if (options.every) stderr.write('note: --every only applies with --watch; ignored\n');
    connector = zendeskConnector(account, zendeskConfig, { sleep: deps.sleep, onRetry: (n) => stderr.write(`${formatRetry(n)}\n`), ...deps.client });
    syncOptions = {
      since,
      batchSize: config.IMPORT_BATCH_SIZE,
      onCheckpoint: deps.onCheckpoint ?? failAtFromEnv(env.DESKMETRICS_SYNC_FAIL_AT),
      onPage: (p) => stderr.write(`${formatPage(p)}\n`),
      onWait: (message) => stderr.write(`${message}\n`),
    };
    stderr.write(`syncing Zendesk at ${account.baseUrl} (as ${account.email})\n`);
  } catch (err) {
    if (err instanceof ZendeskConfigError || err instanceof ZendeskEnvError || err instanceof SyncArgumentError) {
      stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }

  let db: Database;
  try {
    db = await openMigratedDatabase(config, { command: 'sync', onWait: (message) => stderr.write(`${message}\n`) });
  } catch (err) {
    stderr.write(`error: ${(err as Error).message}\n`);
    return 2;
  }
  const stop = stopper();
  try {
    let code = 0;
    for (let run = 1; ; run++) {
      code = await syncOnce(db.dataSource, connector, syncOptions, output);
      if (!options.watch || stop.stopped || (deps.maxRuns !== undefined && run >= deps.maxRuns)) break;
      stderr.write(`next sync in ${everyMs / 1000} s (Ctrl-C stops)\n`);
      await stop.sleep(everyMs, deps.sleep);
      if (stop.stopped) break;
    }
    return options.watch && stop.stopped ? 0 : code;
  } finally {
    stop.dispose();
    await db.close();
  }
}

/** One sync run with its summary or its error; resolves to the exit code. */
async function syncOnce(dataSource: DataSource, connector: SourceConnector, options: SyncOptions, output: CommandOutput): Promise<number> {
  try {
    const summary = await runSync(dataSource, connector, options);
    output.stdout.write(`${formatSyncSummary(summary)}\n`);
    return 0;
  } catch (err) {
    const cause = err instanceof SyncError ? err.cause : err;
    const stream = err instanceof SyncError ? `${err.stream}: ` : '';
    if (cause instanceof ImportValidationError) {
      output.stderr.write(
        `${stream}a page of records was refused; the stream resumes from its last committed page.\n${formatValidationError(cause)}\n`,
      );
      return 1;
    }
    output.stderr.write(`error: ${stream}${(cause as Error).message ?? String(cause)}\n`);
    return 2;
  }
}

/**
 * Ctrl-C / SIGTERM: between runs of --watch, ends the wait and the command (exit 0); during a run, ends the process at
 * once (exit 130/143) — the transaction in progress is never committed (PostgreSQL rolls it back when the connection
 * drops, PGlite recovers at its next start), and the next run resumes from the last committed page.
 */
function stopper() {
  const state = { stopped: false, sleeping: false, wake: undefined as (() => void) | undefined };
  const onSignal = (signal: NodeJS.Signals) => {
    if (!state.sleeping) {
      process.stderr.write(
        `sync interrupted by ${signal}: the page in progress was not written; the next run resumes from the last committed page\n`,
      );
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    state.stopped = true;
    state.wake?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get stopped() {
      return state.stopped;
    },
    async sleep(ms: number, sleep?: (ms: number) => Promise<void>): Promise<void> {
      state.sleeping = true;
      try {
        if (sleep) return await sleep(ms);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          state.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      } finally {
        state.sleeping = false;
      }
    },
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
    },
  };
}
