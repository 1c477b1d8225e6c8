import type { PoolClient } from 'pg';
import type { DataSource, QueryRunner } from 'typeorm';
import { DATASET_FILES, type DatasetFile, type DatasetSource, type RawRecord } from './dataset-source';
import { FILE_SPECS, isReferenced, type FileSpec } from './file-specs';
import { UnreadableFileError } from './folder-source';
import { ImportValidationError, type ImportProblem } from './import-problems';
import { checkHeader, RecordValidator } from './record-validator';
import { defaultReportPath, RejectionReport } from './rejection-report';
import { DEFER_ROLLUPS_SQL, REFRESH_ROLLUPS_SQL } from '../metrics/rollups/rollup-refresh';
import { fullRebuildPending, rebuildPendingRollups } from '../metrics/rollups/rollup-rebuild';
import { NOTIFY_ROLLUP_BUILDER_SQL, ROLLUP_BUILDER_PRESENT_SQL } from '../metrics/rollups/rollup-builder';
import { startImportTransaction } from './import-transaction';
import { WRITE_TURN_LOCK } from '../db/advisory-locks';
import {
  ADD_FILE_REJECTIONS_SQL,
  createTempTablesSql,
  deriveFirstResponsesSql,
  FILE_REJECTIONS_TABLE,
  settleRejectionsSql,
} from './upsert-statements';
import { BulkLoads, type BusyConnection } from './writers/bulk-load-writer';
import { WriteSession, type Batch, type FileWriter, type Reject } from './writers/file-writer';
import { openFileWriter } from './writers/open-file-writer';

/** How a run behaves; every field is optional. */
export interface ImportOptions {
  /** Load the valid rows and write the rejected ones to a report instead of failing the whole run. */
  skipInvalid?: boolean;
  /** Where --skip-invalid writes rejected rows (default import-report-<time>.csv in the current folder). */
  reportPath?: string;
  /** Rows per multi-row statement (default 5000). */
  batchSize?: number;
  /** What import_runs.source records (e.g. the folder). */
  sourceName?: string;
  /** Called about every half second while a file loads, and once when it is done. */
  onProgress?: (progress: ImportProgress) => void;
  /** Told when the run waits for another import of the same database to finish. */
  onWait?: (message: string) => void;
  /** Told as each step after the files starts (they can take longer than the files on a large database). */
  onStep?: (step: FinishingStep) => void;
  /** Problems to collect before giving up on a failing run (default 50); --skip-invalid rejects without limit. */
  maxErrors?: number;
  /**
   * Refuse a dataset without tickets (default true): a folder import is a whole dataset. The ingest API sends one entity
   * per request, so its records of other entities refer to tickets, customers and agents already in the database.
   */
  requireTickets?: boolean;
  /**
   * Runs inside the run's transaction once every record is written and checked, before the rollups are refreshed and the
   * run commits: a sync deletes what its source deleted and advances its cursor here, so records and cursor commit together.
   */
  inTransaction?: (runner: QueryRunner) => Promise<void>;
  /**
   * When every rollup is to be rebuilt (asked by a bulk load of this run or of an earlier deferred one), commit that
   * request instead of rebuilding before commit: the caller runs rebuildPendingRollups once after several such runs (a sync's
   * backfill, one run per stream or more, rebuilds once instead of once per stream). Until then the data status shows
   * the rollups as pending.
   */
  deferFullRollupRebuild?: boolean;
  /**
   * When the rollups are to be rebuilt after commit (a bulk load on PostgreSQL) and a server's rollup builder runs on
   * this database (see RollupBuilder), commit and return, leaving the rebuild to it: metrics are exact meanwhile, read
   * from the raw tables. Without a builder the run rebuilds them itself before returning, as without this option.
   */
  leaveRollupsToServer?: boolean;
  /**
   * A bulk load on PostgreSQL inserts its records while the file is still read, a chunk at a time, once a chunk holds
   * this many records (default: 200,000, or twice the rows of the tables the file refers to if more, since each
   * chunk's insert reads those tables whole).
   */
  bulkChunkRows?: number;
}

/** The steps after the files, in order. */
export type FinishingStep = 'deriving first responses' | 'rebuilding indexes' | 'refreshing rollups' | 'building rollups';

/** Where a running import is. */
export interface ImportProgress {
  file: string;
  rowsRead: number;
  bytesRead?: number;
  totalBytes?: number;
  seconds: number;
  rowsPerSecond: number;
  done: boolean;
}

/** Row counts of one file (or of the whole run). */
export interface FileSummary {
  file: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  seconds: number;
  rowsPerSecond: number;
}

/** What a committed run did. */
export interface ImportSummary {
  /** The import_runs row of this run. */
  runId: string;
  files: FileSummary[];
  total: FileSummary;
  /** Tickets whose first_response_at was derived from messages (or re-derived) in this run. */
  derivedFirstResponses: number;
  /** The --skip-invalid report, when rows were rejected. */
  reportPath?: string;
  /** Seconds spent after the files were read: deriving first responses, rebuilding what a bulk load dropped, refreshing the rollups. */
  finishing: FinishingTimes;
  /** The rollups are being rebuilt by a server (leaveRollupsToServer), not by this run. */
  rollupsLeftToServer: boolean;
}

/** Seconds of the steps that run once per import, after every file was written. */
export interface FinishingTimes {
  firstResponses: number;
  indexes: number;
  rollups: number;
}

const DEFAULT_BATCH_SIZE = 5000;
const DEFAULT_MAX_ERRORS = 50;
// A table that took this many rows in a run is ANALYZEd before the run ends.
const LARGE_LOAD_ROWS = 100_000;
const PROGRESS_INTERVAL_MS = 500;

/** Stops a failing run once maxErrors problems are collected. */
class TooManyProblems extends Error {}

// Rows read between turns of the event loop (a power of two).
const YIELD_EVERY_ROWS = 64;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const rate = (rows: number, seconds: number) => (seconds > 0 ? Math.round(rows / seconds) : rows);
const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;

/** One run: a transaction, its problems and its report. */
class ImportRun {
  readonly problems: ImportProblem[] = [];
  /** A problem --skip-invalid cannot skip (a bad header, an unreadable file) was found. */
  fatal = false;
  private readonly report: RejectionReport | undefined;
  private readonly batchSize: number;
  private readonly maxErrors: number;
  private readonly session: WriteSession;
  /** What this run's bulk loads dropped and suspended, put back before commit. */
  private readonly bulkLoads: BulkLoads;
  /** Tables that received many rows in this run: ANALYZEd before the run ends. */
  private readonly largeLoads = new Set<string>();
  /** Writers that keep something outside the database (spooled batches), removed when the run ends. */
  private readonly discardable: FileWriter[] = [];
  /** Tables empty when the run began (PostgreSQL only): files into them may be read while the file before loads. */
  private readonly emptyAtStart = new Set<string>();

  constructor(
    private readonly runner: QueryRunner,
    private readonly source: DatasetSource,
    private readonly options: ImportOptions,
    client: PoolClient,
    useCopy: boolean,
  ) {
    this.report = options.skipInvalid ? new RejectionReport(options.reportPath ?? defaultReportPath()) : undefined;
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.maxErrors = Math.max(1, options.maxErrors ?? DEFAULT_MAX_ERRORS);
    this.session = new WriteSession(runner, client, useCopy, source, options.bulkChunkRows);
    this.bulkLoads = new BulkLoads(this.session);
  }

  /** Records a problem that rejects a record (or, when `fatal`, the whole run even with --skip-invalid). */
  private async problem(problem: ImportProblem, record?: RawRecord, fatal = false): Promise<void> {
    if (fatal) this.fatal = true;
    if (this.report && !fatal) {
      await this.report.add(problem, record);
      return;
    }
    this.problems.push(problem);
    if (this.problems.length >= this.maxErrors) throw new TooManyProblems();
  }

  /**
   * Reads one file of the dataset: reads, validates and rejects its records, and hands the valid ones to its writer.
   * Resolves once every record is read and handed over; `finish` then completes the file's load (its whole-file
   * statements, when a bulk load) and gives its counts. With `busyWith` (see openFileWriter) the file is read while the
   * connection still loads the file before, whose finish must come first.
   */
  async readFile(spec: FileSpec, name: string, busyWith?: BusyConnection): Promise<{ finish: () => Promise<FileSummary> }> {
    const startedMs = performance.now();
    const summary: FileSummary = { file: name, read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, seconds: 0, rowsPerSecond: 0 };
    const totalBytes = this.source.sizeBytes?.(spec.file);
    // Keys of rejected records, for a file other files refer to; sent to the database a batch at a time.
    const referenced = isReferenced(spec.table);
    let rejectedKeys: string[] = [];
    let rejectedLines: number[] = [];
    const sendRejectedKeys = async () => {
      if (!rejectedKeys.length) return;
      const params = [rejectedKeys, rejectedLines];
      rejectedKeys = [];
      rejectedLines = [];
      await this.runner.query(ADD_FILE_REJECTIONS_SQL, params);
    };
    const reject: Reject = async (record, problems, key) => {
      summary.rejected++;
      if (referenced && key !== undefined && !problems.some((p) => p.cause === 'duplicate')) {
        rejectedKeys.push(key);
        rejectedLines.push(record.line);
        if (rejectedKeys.length >= this.batchSize) await sendRejectedKeys();
      }
      // Without --skip-invalid, a record rejected only for referring to a rejected record is not listed: the rejected
      // record is the problem to fix (then this one loads or shows its own problems), and dozens like it would bury it.
      if (!this.report && problems.every((p) => p.cause === 'rejected-reference')) return;
      for (const p of problems) await this.problem({ file: name, line: record.line, column: p.column, reason: p.reason }, record);
    };

    const columns = await this.readColumns(spec, name);
    if (columns === null) return { finish: async () => summary };
    const validator = new RecordValidator(spec, columns);
    let writer: FileWriter | undefined;

    let batch: Batch = { rows: [], records: [] };
    // Two batches at most are in flight: the database works on one while the next waits, prepared, for its turn, and
    // this loop reads and checks the one after.
    let pending: Promise<void> | undefined;
    let previous: Promise<void> | undefined;
    const flush = async (last: boolean) => {
      if (previous) await previous;
      if (batch.rows.length === 0) return;
      // The writer is chosen once, at the first batch: knowing whether the file has more than one.
      writer ??= await openFileWriter(this.session, this.bulkLoads, { spec, name, counts: summary, reject, validator }, !last, busyWith);
      const current = batch;
      batch = { rows: [], records: [] };
      previous = pending;
      pending = writer.write(current, previous);
      pending.catch(() => undefined);
    };

    let lastProgressMs = startedMs;
    let bytesRead: number | undefined;
    try {
      try {
        for await (const record of this.source.records(spec.file)) {
          summary.read++;
          // A source that never waits (the demo generator) would otherwise keep the database's replies unread.
          if ((summary.read & (YIELD_EVERY_ROWS - 1)) === 0) await yieldToEventLoop();
          bytesRead = record.bytesRead ?? bytesRead;
          if (record.problem) {
            await reject(record, [{ reason: record.problem }]);
            continue;
          }
          const result = validator.validate(record);
          if (!result.ok) {
            await reject(record, result.problems, result.key);
            continue;
          }
          batch.rows.push(result.row);
          batch.records.push(record);
          if (batch.rows.length >= this.batchSize) {
            await flush(false);
            const now = performance.now();
            if (this.options.onProgress && now - lastProgressMs >= PROGRESS_INTERVAL_MS) {
              lastProgressMs = now;
              const s = seconds(startedMs);
              this.options.onProgress({
                file: name,
                rowsRead: summary.read,
                bytesRead,
                totalBytes,
                seconds: s,
                rowsPerSecond: rate(summary.read, s),
                done: false,
              });
            }
          }
        }
      } catch (err) {
        if (!(err instanceof UnreadableFileError)) throw err;
        await this.problem({ file: name, line: err.line, reason: err.message }, undefined, true);
      }
      await flush(true);
      if (pending) await pending;
    } catch (err) {
      await writer?.discard?.();
      throw err;
    } finally {
      // Never leave a batch statement running unobserved when the loop stops early.
      await previous?.catch(() => undefined);
      await pending?.catch(() => undefined);
    }
    if (writer?.discard) this.discardable.push(writer);
    return {
      finish: async () => {
        // A file that had no writer, or one that waited for the connection itself, has nothing to wait for but this.
        await busyWith?.until;
        await writer?.finish();
        if (referenced) {
          await sendRejectedKeys();
          // A file without valid records had no writer (and loaded none of its rejected keys).
          await this.settleRejections(spec, writer?.settleRejectionsSql ?? settleRejectionsSql(spec, false));
        }
        return this.fileDone(spec, name, summary, startedMs, totalBytes);
      },
    };
  }

  /** Books a file's counts once it is loaded. */
  private fileDone(spec: FileSpec, name: string, summary: FileSummary, startedMs: number, totalBytes: number | undefined): FileSummary {
    if (summary.inserted + summary.updated >= LARGE_LOAD_ROWS) this.largeLoads.add(spec.table);
    summary.unchanged = summary.read - summary.rejected - summary.inserted - summary.updated;
    summary.seconds = seconds(startedMs);
    summary.rowsPerSecond = rate(summary.read, summary.seconds);
    this.options.onProgress?.({
      file: name,
      rowsRead: summary.read,
      bytesRead: totalBytes,
      totalBytes,
      seconds: summary.seconds,
      rowsPerSecond: summary.rowsPerSecond,
      done: true,
    });
    return summary;
  }

  /** The declared header, checked; null when it has problems (the file is then not read), undefined when the source has none. */
  private async readColumns(spec: FileSpec, name: string): Promise<string[] | undefined | null> {
    let columns: string[] | undefined;
    try {
      columns = await this.source.columns?.(spec.file);
    } catch (err) {
      if (!(err instanceof UnreadableFileError)) throw err;
      await this.problem({ file: name, line: err.line, reason: err.message }, undefined, true);
      return null;
    }
    if (!columns) return undefined;
    if (columns.length === 0) {
      await this.problem({ file: name, line: 1, reason: 'the file is empty (it needs at least a header row)' }, undefined, true);
      return null;
    }
    const problems = checkHeader(spec, columns);
    for (const p of problems) await this.problem({ file: name, line: 1, column: p.column, reason: p.reason }, undefined, true);
    return problems.length ? null : columns;
  }

  /** Records which keys of a file just loaded were rejected (and not loaded from another line), for the files after it. */
  private async settleRejections(spec: FileSpec, sql: string): Promise<void> {
    const added = (await this.session.client.query(sql)).rowCount ?? 0;
    await this.runner.query(`TRUNCATE ${FILE_REJECTIONS_TABLE}`);
    if (added > 0 && isReferenced(spec.table)) this.session.rejectedParents.add(spec.table);
  }

  /**
   * Notes which of the files' tables are empty, on PostgreSQL (COPY): a file into one of them that no later file refers
   * to is read while the connection still loads the file before (readFile's `busyWith`), its batches spooled to disk.
   */
  async noteEmptyTables(specs: FileSpec[]): Promise<void> {
    if (!this.session.copies) return;
    const candidates = specs.filter((spec) => spec.idColumn && !isReferenced(spec.table));
    if (!candidates.length) return;
    const [row] = await this.runner.query(`SELECT ${candidates.map((spec, i) => `NOT EXISTS (SELECT 1 FROM "${spec.table}") AS e${i}`).join(', ')}`);
    candidates.forEach((spec, i) => row[`e${i}`] && this.emptyAtStart.add(spec.table));
  }

  /** The file may be read while the connection loads the one before (see noteEmptyTables). */
  readsAhead(spec: FileSpec): boolean {
    return this.emptyAtStart.has(spec.table);
  }

  /** Loads the files in order, reading each file the run may read ahead while the file before it finishes loading. */
  async loadFiles(present: DatasetFile[]): Promise<FileSummary[]> {
    const files: FileSummary[] = [];
    let finishing: Promise<void> | undefined;
    try {
      for (const file of present) {
        const spec = FILE_SPECS[file];
        if (finishing && !this.readsAhead(spec)) {
          await finishing;
          finishing = undefined;
        }
        const read = await this.readFile(spec, this.source.describe(file) as string, finishing && { until: finishing });
        const before = finishing;
        finishing = (async () => {
          if (before) await before;
          files.push(await read.finish());
        })();
        // Observed by the next file, or awaited below.
        finishing.catch(() => undefined);
      }
      await finishing;
    } catch (err) {
      // Nothing may run on the connection once the caller rolls back: the file before finishes (or fails) first, and
      // its failure, if any, is the one to report (this file stopped because of it).
      const earlier = await finishing?.then(
        () => undefined,
        (e: unknown) => e,
      );
      throw earlier ?? err;
    }
    return files;
  }

  /** Removes what writers kept outside the database. */
  async discardSpools(): Promise<void> {
    for (const writer of this.discardable.splice(0)) await writer.discard?.().catch(() => undefined);
  }

  /** Rebuilds what bulk loads dropped, then refreshes the planner statistics of every table that took many rows. */
  async finishBulkLoads(): Promise<void> {
    for (const table of await this.bulkLoads.restore()) this.largeLoads.add(table);
    // Later statements of this run (and the rollup refresh) plan with the new row counts.
    if (this.largeLoads.size) await this.runner.query(`ANALYZE ${[...this.largeLoads].map((t) => `"${t}"`).join(', ')}`);
  }

  /** A bulk load of this run asked for every rollup to be rebuilt. */
  get rebuildsAllRollups(): boolean {
    return this.bulkLoads.rebuildsAllRollups;
  }

  /** Fills first_response_at from messages where the file left it empty (for every ticket after a bulk load). */
  async deriveFirstResponses(): Promise<number> {
    // After a bulk load every rollup is rebuilt: marking the tickets the derivation changes would be wasted work.
    if (this.session.deriveAll) await this.bulkLoads.suspendRollupMarking('tickets');
    const [row] = await this.runner.query(deriveFirstResponsesSql(this.session.deriveAll));
    return Number(row.changed);
  }

  /** Where the report will be, when rows were rejected. */
  get reportPath(): string | undefined {
    return this.report && this.report.count > 0 ? this.report.path : undefined;
  }

  /** Closes the report under its final name. */
  async finishReport(): Promise<void> {
    await this.report?.finish();
  }

  /** Removes the report of a run that rolled back. */
  discardReport(): Promise<void> {
    return this.report ? this.report.discard() : Promise.resolve();
  }
}

function totalOf(files: FileSummary[], secondsTotal: number): FileSummary {
  const sum = (k: 'read' | 'inserted' | 'updated' | 'unchanged' | 'rejected') => files.reduce((n, f) => n + f[k], 0);
  const read = sum('read');
  return {
    file: 'total',
    read,
    inserted: sum('inserted'),
    updated: sum('updated'),
    unchanged: sum('unchanged'),
    rejected: sum('rejected'),
    seconds: secondsTotal,
    rowsPerSecond: rate(read, secondsTotal),
  };
}

/** The rollups' rebuild after a committed bulk load; its time is added to the run's summary. */
async function buildRollupsAfterCommit(
  dataSource: DataSource,
  runner: QueryRunner,
  runId: string,
  finishing: FinishingTimes,
  options: ImportOptions,
) {
  const rollupsMs = performance.now();
  options.onStep?.('building rollups');
  try {
    await rebuildPendingRollups(dataSource);
  } catch (err) {
    throw new Error(
      `import run ${runId} committed, but its rollups were not built (${(err as Error).message}): metrics read the raw tables until the next import, sync or server start builds them`,
      { cause: err },
    );
  }
  finishing.rollups = seconds(rollupsMs);
  await runner.query(`UPDATE import_runs SET summary = jsonb_set(summary, '{finishing,rollups}', to_jsonb($1::float8)) WHERE id = $2`, [
    finishing.rollups,
    runId,
  ]);
}

const rollupBuilderPresent = async (runner: QueryRunner): Promise<boolean> => (await runner.query(ROLLUP_BUILDER_PRESENT_SQL))[0].present === true;

/**
 * Loads a dataset in one transaction: validates every rule of docs/data-contract.md, upserts by source id in batches,
 * derives first responses, records the run in import_runs. Throws ImportValidationError (database unchanged) when a
 * record is invalid, unless `skipInvalid`, which loads the valid records and reports the rest.
 */
export async function importDataset(dataSource: DataSource, source: DatasetSource, options: ImportOptions = {}): Promise<ImportSummary> {
  const startedAt = new Date();
  const startedMs = performance.now();
  const present = DATASET_FILES.filter((f) => source.describe(f) !== undefined);
  if (options.requireTickets !== false && !present.includes('tickets'))
    throw new ImportValidationError([{ file: 'tickets.csv', reason: 'required file is missing' }]);

  const runner = dataSource.createQueryRunner();
  let run: ImportRun | undefined;
  try {
    const client = (await runner.connect()) as PoolClient;
    // COPY FROM STDIN does not pass through PGlite's socket server; there batches reach staging as array parameters.
    const [{ version }] = await runner.query('SELECT version() AS version');
    const onPostgres = !/PGlite/i.test(version);
    run = new ImportRun(runner, source, options, client, onPostgres);
    await startImportTransaction(runner);
    // Imports take turns: two concurrent runs would otherwise interleave their upserts and counts.
    const [{ locked }] = await runner.query(`SELECT pg_try_advisory_xact_lock(${WRITE_TURN_LOCK}) AS locked`);
    if (!locked) {
      options.onWait?.('waiting for another import into this database, or a rebuild of its rollups, to finish');
      await runner.query(`SELECT pg_advisory_xact_lock(${WRITE_TURN_LOCK})`);
    }
    // Writes only mark the rollup hours they touch; the rollups are rebuilt once, below, before commit.
    await runner.query(DEFER_ROLLUPS_SQL);
    for (const ddl of createTempTablesSql(present.map((f) => FILE_SPECS[f]))) await runner.query(ddl);

    const files: FileSummary[] = [];
    let derivedFirstResponses = 0;
    const finishing: FinishingTimes = { firstResponses: 0, indexes: 0, rollups: 0 };
    try {
      await run.noteEmptyTables(present.map((f) => FILE_SPECS[f]));
      files.push(...(await run.loadFiles(present)));
      const derivingMs = performance.now();
      options.onStep?.('deriving first responses');
      derivedFirstResponses = await run.deriveFirstResponses();
      finishing.firstResponses = seconds(derivingMs);
    } catch (err) {
      if (!(err instanceof TooManyProblems)) throw err;
      throw new ImportValidationError(run.problems, { truncated: true });
    }
    if (run.problems.length) throw new ImportValidationError(run.problems);
    await options.inTransaction?.(runner);
    const indexesMs = performance.now();
    options.onStep?.('rebuilding indexes');
    await run.finishBulkLoads();
    finishing.indexes = seconds(indexesMs);
    // A bulk load into empty tables on PostgreSQL commits its rows first and rebuilds the rollups after, one rollup per
    // connection at once (metrics read the raw tables meanwhile); on one connection they are rebuilt before commit.
    const afterCommit = onPostgres && run.rebuildsAllRollups && !options.deferFullRollupRebuild;
    // A server's builder takes over once this run commits (the notification is delivered then); should it stop first,
    // the mark stays and the next server start, import or sync builds them.
    const rollupsLeftToServer = afterCommit && options.leaveRollupsToServer === true && (await rollupBuilderPresent(runner));
    if (rollupsLeftToServer) await runner.query(NOTIFY_ROLLUP_BUILDER_SQL);
    const rebuildAfterCommit = afterCommit && !rollupsLeftToServer;
    const rebuildDeferred = options.deferFullRollupRebuild && (run.rebuildsAllRollups || (await fullRebuildPending(runner)));
    if (!afterCommit && !rebuildDeferred) {
      const rollupsMs = performance.now();
      options.onStep?.('refreshing rollups');
      await runner.query(REFRESH_ROLLUPS_SQL);
      finishing.rollups = seconds(rollupsMs);
    }

    const total = totalOf(files, seconds(startedMs));
    const reportPath = run.reportPath;
    const summary = {
      files,
      total,
      derivedFirstResponses,
      finishing,
      rollupsLeftToServer,
      skipInvalid: options.skipInvalid ?? false,
      reportPath: reportPath ?? null,
    };
    const [{ id }] = await runner.query(
      'INSERT INTO import_runs (source, started_at, finished_at, summary) VALUES ($1, $2, now(), $3::jsonb) RETURNING id',
      [options.sourceName ?? 'dataset', startedAt.toISOString(), JSON.stringify(summary)],
    );
    await runner.commitTransaction();
    await run.finishReport();
    if (rebuildAfterCommit) await buildRollupsAfterCommit(dataSource, runner, String(id), finishing, options);
    return { runId: String(id), files, total, derivedFirstResponses, reportPath, finishing, rollupsLeftToServer };
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await run?.discardReport();
    throw err;
  } finally {
    await run?.discardSpools();
    await runner.release();
  }
}
