/**
 * The bench's data: the demo dataset loaded by `deskmetrics demo` into a schema of its own (the import measurement),
 * or an earlier load of the same dataset reused.
 */
import { basename } from 'node:path';
import type { Pool } from 'pg';
import { ROLLUPS_CURRENT_SQL } from '../src/metrics/rollups/rollup-refresh';
import { runCli } from './children';

export interface ImportMeasurement {
  tickets: number;
  messages: number;
  /** Every record of every file. */
  rows: number;
  /** Wall time of `deskmetrics demo`, from process start to exit (migrations, generation, import, rollups, commit). */
  seconds: number;
  ticketsPerSecond: number;
  rowsPerSecond: number;
  /** The importer's own total (import_runs.summary: from its transaction's start to just before commit). */
  importerSeconds: number | null;
  /** The importer's time on the tickets and messages files alone. */
  ticketsAndMessagesSeconds: number | null;
  peakRssBytes: number | null;
  /** The importer's steps after the files (import_runs.summary.finishing): first responses, indexes, rollups. */
  finishing: { firstResponses: number; indexes: number; rollups: number } | null;
  /** The import left the rollups to the running server's builder (import_runs.summary.rollupsLeftToServer). */
  rollupsLeftToServer: boolean;
  /** From the command's exit until the rollups were current (0 when it built them itself). */
  rollupsAfterSeconds: number;
  /** VACUUM (ANALYZE) of the loaded tables afterwards (not part of the import rate). */
  vacuumAnalyzeSeconds: number;
}

/** How the folders of `npm run bench:incremental`'s imports are named (import_runs.source ends with the name). */
export const INCREMENTAL_SOURCE_PREFIX = 'bench-incremental-';

/** The description `deskmetrics demo` records in import_runs.source for this dataset (up to the window). */
const demoSourcePrefix = (tickets: number, seed: number) => `demo dataset (${tickets.toLocaleString('en-US')} tickets, seed ${seed},`;

/** A SQL identifier, quoted. */
export const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** What a schema holds: whether it exists, and its import runs. */
async function schemaState(pool: Pool, schema: string): Promise<{ exists: boolean; runs: string[] | null }> {
  const exists = (await pool.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount! > 0;
  if (!exists) return { exists, runs: null };
  const hasRuns = (await pool.query('SELECT to_regclass($1) AS t', [`${quoteIdent(schema)}.import_runs`])).rows[0].t;
  if (!hasRuns) return { exists, runs: null };
  const runs = await pool.query(`SELECT source FROM ${quoteIdent(schema)}.import_runs ORDER BY id`);
  return { exists, runs: runs.rows.map((r: { source: string }) => r.source) };
}

/** True when the schema holds exactly one load of this demo dataset, complete (its ticket count matches). */
export async function holdsDemoData(pool: Pool, schema: string, tickets: number, seed: number): Promise<boolean> {
  const state = await schemaState(pool, schema);
  if (!state.runs?.length || !state.runs[0].startsWith(demoSourcePrefix(tickets, seed))) return false;
  // The demo load, then only the incremental bench's imports (they change tickets, never add or remove any).
  if (!state.runs.slice(1).every((source) => basename(source).startsWith(INCREMENTAL_SOURCE_PREFIX))) return false;
  const count = await pool.query(`SELECT count(*)::int8 AS n FROM ${quoteIdent(schema)}.tickets`);
  return Number(count.rows[0].n) === tickets;
}

/**
 * Empties the schema for a fresh load: a schema named bench_… is dropped; any other name must not exist or be empty
 * (the bench never drops a schema it may not own).
 */
export async function prepareEmptySchema(pool: Pool, schema: string): Promise<void> {
  const state = await schemaState(pool, schema);
  if (!state.exists) return;
  if (schema.startsWith('bench_')) {
    await pool.query(`DROP SCHEMA ${quoteIdent(schema)} CASCADE`);
    return;
  }
  const tables = await pool.query('SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1', [schema]);
  if (tables.rows[0].n > 0) {
    throw new Error(
      `schema ${schema} already holds tables; the bench drops only schemas named bench_…: drop it yourself, choose another --schema, or use --reuse`,
    );
  }
}

/** Runs `deskmetrics demo` into the (empty) schema, timed, then VACUUM (ANALYZE)s what it loaded. */
export async function loadDemo(
  pool: Pool,
  options: { databaseUrl: string; schema: string; tickets: number; seed: number; env?: Record<string, string> },
): Promise<ImportMeasurement> {
  const run = await runCli(
    ['demo', '--tickets', String(options.tickets), '--seed', String(options.seed)],
    { ...options.env, DATABASE_URL: options.databaseUrl, DATABASE_SCHEMA: options.schema, LOG_LEVEL: 'warn' },
    { echoStderr: true },
  );
  if (run.exitCode !== 0) throw new Error(`deskmetrics demo failed (exit code ${run.exitCode}):\n${run.stderr.slice(-4000)}`);
  process.stderr.write(run.stdout);

  const schema = quoteIdent(options.schema);
  const summaryRow = await pool.query(`SELECT summary FROM ${schema}.import_runs ORDER BY id DESC LIMIT 1`);
  type FileSummary = { file: string; read: number; seconds: number };
  const summary = summaryRow.rows[0]?.summary as
    { files?: FileSummary[]; total?: FileSummary; finishing?: ImportMeasurement['finishing']; rollupsLeftToServer?: boolean } | undefined;
  const file = (name: string) => summary?.files?.find((f) => f.file.replace(/^demo:/, '').replace(/\.csv$/, '') === name);
  const messages = file('messages')?.read ?? Number((await pool.query(`SELECT count(*)::int8 AS n FROM ${schema}.messages`)).rows[0].n);
  const rows = summary?.total?.read ?? options.tickets + messages;
  const ticketsFile = file('tickets');
  const messagesFile = file('messages');

  // A server running on the database builds the rollups after the import's commit: waited for before anything else runs.
  const rollupsAfterSeconds = await untilRollupsCurrent(pool, options.schema);

  const started = performance.now();
  const tables = await pool.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [options.schema]);
  for (const { tablename } of tables.rows as { tablename: string }[]) await pool.query(`VACUUM (ANALYZE) ${schema}.${quoteIdent(tablename)}`);
  const vacuumAnalyzeSeconds = (performance.now() - started) / 1000;

  return {
    tickets: options.tickets,
    messages,
    rows,
    seconds: run.seconds,
    ticketsPerSecond: options.tickets / run.seconds,
    rowsPerSecond: rows / run.seconds,
    importerSeconds: summary?.total?.seconds ?? null,
    ticketsAndMessagesSeconds: ticketsFile && messagesFile ? ticketsFile.seconds + messagesFile.seconds : null,
    peakRssBytes: run.peakRssBytes,
    finishing: summary?.finishing ?? null,
    rollupsLeftToServer: summary?.rollupsLeftToServer === true,
    rollupsAfterSeconds,
    vacuumAnalyzeSeconds,
  };
}

/** Waits until the schema's rollups hold every committed write (ROLLUPS_CURRENT_SQL); resolves to the seconds waited. */
export async function untilRollupsCurrent(pool: Pool, schema: string, timeoutMs = 60 * 60_000): Promise<number> {
  const started = performance.now();
  const current = async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('search_path', $1, true)`, [quoteIdent(schema)]);
      const { rows } = await client.query(ROLLUPS_CURRENT_SQL);
      await client.query('COMMIT');
      return rows[0].current === true;
    } finally {
      client.release();
    }
  };
  while (!(await current())) {
    if (performance.now() - started > timeoutMs) throw new Error(`the rollups of ${schema} were not current after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return (performance.now() - started) / 1000;
}

/** Refreshes the planner statistics of a reused schema (cheap; a load's VACUUM may not have run). */
export async function analyzeSchema(pool: Pool, schema: string): Promise<void> {
  const tables = await pool.query('SELECT tablename FROM pg_tables WHERE schemaname = $1 ORDER BY tablename', [schema]);
  for (const { tablename } of tables.rows as { tablename: string }[]) await pool.query(`ANALYZE ${quoteIdent(schema)}.${quoteIdent(tablename)}`);
}
