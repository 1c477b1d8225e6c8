import { existsSync, mkdirSync, statSync, createWriteStream } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import type { Database } from '../db/data-source';
import { openMigratedDatabase } from '../metrics/rollups/migrated-database';
import { DATASET_FILES, type DatasetFile } from '../import/dataset-source';
import { importDataset, type ImportSummary } from '../import/import-dataset';
import type { CommandOutput } from '../import/import-command';
import { formatSummary, formatValidationError, progressPrinter } from '../import/import-output';
import { ImportValidationError } from '../import/import-problems';
import { DEMO_COLUMNS, DemoOptionError, demoSource, type DemoSource } from './demo-source';
import { formatDay } from './timestamps';
import { demoCalendars, installDemoPlanning } from './demo-planning';

/** Options of `deskmetrics demo`. */
export interface DemoCommandOptions {
  tickets: number;
  seed: number;
  out?: string;
  end?: string;
  /** Build the rollups in this command even when a server's rollup builder could (leaveRollupsToServer). */
  waitForRollups?: boolean;
}

/** Every table holding loaded records or user settings: a database with a row in any of them is not touched. */
export const DATA_TABLES = [
  'customers',
  'agents',
  'tickets',
  'messages',
  'surveys',
  'orders',
  'agent_activity',
  'sla_policies',
  'import_runs',
  'metric_targets',
  'business_calendars',
  'business_hours',
  'business_holidays',
] as const;

/** The tables of DATA_TABLES that hold at least one row (EXISTS per table: cheap however large the table). */
export async function tablesWithData(dataSource: DataSource): Promise<string[]> {
  const sql = DATA_TABLES.map((t) => `SELECT '${t}' AS name WHERE EXISTS (SELECT 1 FROM "${t}")`).join(' UNION ALL ');
  const rows: { name: string }[] = await dataSource.query(sql);
  return rows.map((r) => r.name);
}

/** The window of a demo source as `2024-11-01 to 2026-10-31` (inclusive days). */
function windowOf(source: DemoSource): string {
  const endDay = source.options.endSec / 86_400;
  return `${formatDay(endDay - source.options.days)} to ${formatDay(endDay - 1)}`;
}

function describeDemo(source: DemoSource): string {
  const o = source.options;
  return `demo dataset (${o.tickets.toLocaleString('en-US')} tickets, seed ${o.seed}, ${windowOf(source)})`;
}

/** What one written file holds. */
export interface WrittenFile {
  file: DatasetFile;
  path: string;
  rows: number;
}

/**
 * Writes the demo dataset as CSV files of the data contract (RFC 4180 via csv-stringify) into `dir`, streaming.
 * Refuses a folder that already holds a dataset file, so a real dataset is never overwritten.
 */
export async function writeDemoFiles(source: DemoSource, dir: string): Promise<WrittenFile[]> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new DemoOptionError(`out ${dir} exists and is not a folder`);
  const taken = DATASET_FILES.flatMap((f) => [`${f}.csv`, `${f}.jsonl`]).filter((name) => existsSync(join(dir, name)));
  if (taken.length) throw new DemoOptionError(`out folder ${dir} already holds ${taken.join(', ')}; choose a new or empty folder`);
  mkdirSync(dir, { recursive: true });
  const written: WrittenFile[] = [];
  for (const file of DATASET_FILES) {
    const path = join(dir, `${file}.csv`);
    let rows = 0;
    const counter = new Transform({
      objectMode: true,
      transform(chunk, _encoding, callback) {
        rows++;
        callback(null, chunk);
      },
    });
    await pipeline(
      Readable.from(source.valuesSync(file)),
      counter,
      stringify({ header: true, columns: DEMO_COLUMNS[file], cast: { boolean: (v: boolean) => (v ? 'true' : 'false') } }),
      createWriteStream(path),
    );
    written.push({ file, path, rows });
  }
  return written;
}

/**
 * `deskmetrics demo`: writes the demo dataset as contract CSV files into --out, or loads it into the configured
 * database when that is empty (a database holding any data is refused: exit code 1). Resolves to the exit code.
 */
export async function runDemoCommand(
  config: Config,
  options: DemoCommandOptions,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const { stdout, stderr } = output;
  let source: DemoSource;
  try {
    source = demoSource({ tickets: options.tickets, seed: options.seed, end: options.end });
  } catch (err) {
    if (err instanceof DemoOptionError) {
      stderr.write(`error: --${err.message}\n`);
      return 1;
    }
    throw err;
  }

  if (options.out !== undefined) {
    const dir = resolve(options.out);
    try {
      const started = performance.now();
      stderr.write(`writing the ${describeDemo(source)} to ${dir}\n`);
      const written = await writeDemoFiles(source, dir);
      const width = Math.max(...written.map((w) => `${w.file}.csv`.length));
      for (const w of written) stdout.write(`${`${w.file}.csv`.padEnd(width)}  ${w.rows.toLocaleString('en-US').padStart(12)} rows\n`);
      const total = written.reduce((n, w) => n + w.rows, 0);
      stdout.write(
        `Wrote ${total.toLocaleString('en-US')} rows in ${((performance.now() - started) / 1000).toFixed(1)} s to ${dir}; load them with: deskmetrics import ${dir}\n`,
      );
      return 0;
    } catch (err) {
      stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
      return err instanceof DemoOptionError ? 1 : 2;
    }
  }

  let db: Database | undefined;
  try {
    db = await openMigratedDatabase(config, { command: 'demo', onWait: (message) => stderr.write(`${message}\n`) });
    const occupied = await tablesWithData(db.dataSource);
    if (occupied.length) {
      stderr.write(
        `error: ${db.description} already holds data (in ${occupied.join(', ')}); deskmetrics demo only loads into an empty database.\n` +
          `Use --out <folder> to write the demo files instead, or point DATABASE_URL / DESKMETRICS_DATA_DIR at an empty database.\n`,
      );
      return 1;
    }
    stderr.write(`loading the ${describeDemo(source)} into ${db.description}\n`);
    const summary = await importDataset(db.dataSource, source, {
      batchSize: config.IMPORT_BATCH_SIZE,
      sourceName: describeDemo(source),
      onProgress: progressPrinter(stderr),
      leaveRollupsToServer: !options.waitForRollups,
    });
    await installDemoPlanning(db.dataSource, source);
    stdout.write(`${formatSummary(summary)}\n`);
    stdout.write(
      `With business calendars (${demoCalendars(source)
        .map((c) => c.name)
        .join(', ')}) and the forecast event of the demo's launch.\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof ImportValidationError) stderr.write(`${formatValidationError(err)}\n`);
    else stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  } finally {
    await db?.close();
  }
}

/** Options of loadDemoIfEmpty. */
export interface LoadDemoOptions {
  tickets: number;
  seed: number;
  end?: string;
  /** Receives what happens (e.g. `(msg, details) => logger.info(details ?? {}, msg)`). */
  log: (message: string, details?: Record<string, unknown>) => void;
  batchSize?: number;
}

/**
 * For `npm start`: loads a demo dataset when every data table is empty, says so through `log`, and resolves to whether
 * it loaded. A database holding any row in any data table (DATA_TABLES) is left untouched.
 */
export async function loadDemoIfEmpty(dataSource: DataSource, options: LoadDemoOptions): Promise<boolean> {
  const occupied = await tablesWithData(dataSource);
  if (occupied.length) {
    options.log('database holds data: no demo data loaded', { tablesWithData: occupied });
    return false;
  }
  const source = demoSource({ tickets: options.tickets, seed: options.seed, end: options.end });
  const what = describeDemo(source);
  options.log(`empty database: loading a ${what} (DESKMETRICS_DEMO=off starts empty instead)`, {
    tickets: source.options.tickets,
    seed: source.options.seed,
  });
  // In a server, its own rollup builder (on PostgreSQL) builds the rollups while it already serves.
  const summary: ImportSummary = await importDataset(dataSource, source, {
    batchSize: options.batchSize,
    sourceName: what,
    leaveRollupsToServer: true,
  });
  await installDemoPlanning(dataSource, source);
  options.log(`demo data loaded: ${summary.total.read.toLocaleString('en-US')} records in ${summary.total.seconds.toFixed(1)} s`, {
    importRun: summary.runId,
    records: Object.fromEntries(summary.files.map((f) => [f.file.replace(/^demo:/, ''), f.inserted])),
  });
  return true;
}
