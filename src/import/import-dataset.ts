import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { DataSource, QueryRunner } from 'typeorm';
import { SqlState, sqlState } from '../db/sql-state';
import { DATASET_FILES, type DatasetFile, type DatasetSource, type RawRecord } from './dataset-source';
import { FILE_SPECS, isReferenced, type FileSpec, type ReferencedTable } from './file-specs';
import { UnreadableFileError } from './folder-source';
import { ImportValidationError, type ImportProblem } from './import-problems';
import { checkHeader, RecordValidator, type RowProblem, type ValidRow } from './record-validator';
import { defaultReportPath, RejectionReport } from './rejection-report';
import { DEFER_ROLLUPS_SQL, ENABLED_MARKING_TRIGGERS_SQL, REBUILD_ALL_ROLLUPS_SQL, REFRESH_ROLLUPS_SQL } from '../metrics/rollups/rollup-refresh';
import {
  ADD_FILE_REJECTIONS_SQL,
  copyStageSql,
  createTempTablesSql,
  deriveFirstResponsesSql,
  DROPPABLE_DEFINITIONS_SQL,
  dropSql,
  FILE_REJECTIONS_TABLE,
  fillStageSql,
  restoreSql,
  settleRejectionsSql,
  STAGED_PROBLEMS_TABLE,
  stageTableName,
  upsertSql,
  wholeFileFastInsertSql,
  wholeFileInsertSql,
  type DroppedDefinitions,
} from './upsert-statements';
import { copyRow } from './copy-text';

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
}

/** The steps after the files, in order. */
export type FinishingStep = 'deriving first responses' | 'rebuilding indexes' | 'refreshing rollups';

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
// Serialises imports into one database: two concurrent runs would otherwise interleave their upserts and counts.
// Advisory locks are per PostgreSQL database, so the schema is part of the key: imports into different schemas
// (different deskmetrics databases) do not wait for each other.
const IMPORT_LOCK = `42109, hashtext(current_schema())`;

const REFERENCED_FILE: Record<ReferencedTable, DatasetFile> = { customers: 'customers', agents: 'agents', tickets: 'tickets' };

/** Stops a failing run once maxErrors problems are collected. */
class TooManyProblems extends Error {}

interface Batch {
  rows: ValidRow[];
  records: RawRecord[];
}

/**
 * How a file's batches reach its table: each through the batch statement (upserts), or, for a bulk load, all into the
 * staging table first and then through one statement for the whole file.
 */
type FileWrite = { wholeFile: false; sql: string } | { wholeFile: true };

/** Rejects a record with its problems; `key` is the record's key when known, so that records referring to it are rejected too. */
type Reject = (record: RawRecord, problems: RowProblem[], key?: string) => Promise<void>;

/** A problem the whole-file statement found. */
interface StagedProblem {
  line: number;
  problem: string;
  detail: string | null;
}

// Staged problems read back per query, in line order (memory stays flat however many records are rejected).
const STAGED_PROBLEMS_PAGE = 5000;

interface BatchResultRow {
  line: number | null;
  problem: string | null;
  detail: string | null;
  inserted: string | null;
  updated: string | null;
}

// Rows read between turns of the event loop (a power of two).
const YIELD_EVERY_ROWS = 64;
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Sends one buffer of COPY text through COPY FROM STDIN and waits until the server has taken it. */
function copyInto(client: PoolClient, sql: string, data: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(data);
  });
}

/** The error of a batch the database refused, naming the file and the batch's lines. */
const refusedBatch = (name: string, records: RawRecord[], err: unknown) =>
  new Error(`${name}: the database refused the batch of lines ${records[0].line}–${records[records.length - 1].line}: ${(err as Error).message}`, { cause: err });

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

  /** Tables loaded in bulk in this run: what was dropped from them, to rebuild before commit. */
  private readonly bulkLoaded: DroppedDefinitions[] = [];
  /** Rollup-marking triggers suspended during bulk loads: enabled again before commit. */
  private readonly suspendedTriggers: { table: string; name: string }[] = [];
  /** Tables that received many rows in this run: ANALYZEd before the run ends. */
  private readonly largeLoads = new Set<string>();
  /** First responses are re-derived for every ticket (after a bulk load), so touched tickets need not be tracked. */
  deriveAll = false;
  /** The database work of the last batch sent: the next batch's starts when it is done. */
  private lastWrite: Promise<unknown> = Promise.resolve();
  /** Referenced tables some of whose records this run rejected: the statements of later files reject references to them. */
  private readonly rejectedParents = new Set<ReferencedTable>();

  constructor(
    private readonly runner: QueryRunner,
    private readonly source: DatasetSource,
    private readonly options: ImportOptions,
    /** The pg client under the runner: batches go to it directly (COPY needs it), each as soon as the one before is done. */
    private readonly client: PoolClient,
    /** COPY FROM STDIN is available (not on PGlite); otherwise batches reach staging as array parameters. */
    private readonly useCopy: boolean,
  ) {
    this.report = options.skipInvalid ? new RejectionReport(options.reportPath ?? defaultReportPath()) : undefined;
    this.batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
    this.maxErrors = Math.max(1, options.maxErrors ?? DEFAULT_MAX_ERRORS);
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

  /** Loads one file of the dataset and returns its counts. */
  async loadFile(spec: FileSpec, name: string): Promise<FileSummary> {
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
    if (columns === null) return summary;
    const validator = new RecordValidator(spec, columns);
    let write: FileWrite | undefined;
    let staged = 0;

    let batch: Batch = { rows: [], records: [] };
    // Two batches at most are in flight: the database works on one while the next waits, prepared, for its turn, and
    // this loop reads and checks the one after.
    let pending: Promise<void> | undefined;
    let previous: Promise<void> | undefined;
    const flush = async (last: boolean) => {
      if (previous) await previous;
      if (batch.rows.length === 0) return;
      write ??= await this.prepareFile(spec, !last);
      const current = batch;
      batch = { rows: [], records: [] };
      previous = pending;
      if (write.wholeFile) staged += current.rows.length;
      pending = write.wholeFile ? this.stageBatch(spec, name, current, previous) : this.writeBatch(spec, name, write.sql, current, summary, reject, previous);
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
              this.options.onProgress({ file: name, rowsRead: summary.read, bytesRead, totalBytes, seconds: s, rowsPerSecond: rate(summary.read, s), done: false });
            }
          }
        }
      } catch (err) {
        if (!(err instanceof UnreadableFileError)) throw err;
        await this.problem({ file: name, line: err.line, reason: err.message }, undefined, true);
      }
      await flush(true);
      if (pending) await pending;
      if (write?.wholeFile) await this.loadStagedFile(spec, name, staged, validator, summary, reject);
      if (referenced) {
        await sendRejectedKeys();
        await this.settleRejections(spec, write?.wholeFile ?? false);
      }
      await this.finishFile(spec);
    } finally {
      // Never leave a batch statement running unobserved when the loop stops early.
      await previous?.catch(() => undefined);
      await pending?.catch(() => undefined);
    }

    if (summary.inserted + summary.updated >= LARGE_LOAD_ROWS) this.largeLoads.add(spec.table);
    summary.unchanged = summary.read - summary.rejected - summary.inserted - summary.updated;
    summary.seconds = seconds(startedMs);
    summary.rowsPerSecond = rate(summary.read, summary.seconds);
    this.options.onProgress?.({ file: name, rowsRead: summary.read, bytesRead: totalBytes, totalBytes, seconds: summary.seconds, rowsPerSecond: summary.rowsPerSecond, done: true });
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

  /**
   * Decides how the file is written, before its first batch. A file with more than one batch going into an empty table is
   * a bulk load: the table's plain indexes and foreign keys are dropped and rebuilt once before commit (the load checks
   * every reference itself), and the whole file is staged, then checked and inserted by one statement. Other files go
   * through the batch statement, batch by batch.
   */
  private async prepareFile(spec: FileSpec, large: boolean): Promise<FileWrite> {
    if (large && spec.idColumn) {
      const [{ empty }] = await this.runner.query(`SELECT NOT EXISTS (SELECT 1 FROM "${spec.table}") AS empty`);
      if (empty) {
        const rows: { kind: string; name: string; definition: string }[] = await this.runner.query(DROPPABLE_DEFINITIONS_SQL, [spec.table]);
        const dropped: DroppedDefinitions = {
          table: spec.table,
          uniqueIndexes: rows.filter((r) => r.kind === 'unique').map(({ name, definition }) => ({ name, definition })),
          indexes: rows.filter((r) => r.kind === 'index').map(({ name, definition }) => ({ name, definition })),
          foreignKeys: rows.filter((r) => r.kind === 'fk').map(({ name, definition }) => ({ name, definition })),
        };
        for (const ddl of dropSql(dropped)) await this.runner.query(ddl);
        this.bulkLoaded.push(dropped);
        await this.suspendRollupMarking(spec.table);
        if (spec.file === 'tickets' || spec.file === 'messages') this.deriveAll = true;
        return { wholeFile: true };
      }
    }
    return { wholeFile: false, sql: upsertSql(spec, { trackTouched: !this.deriveAll, rejectedParents: this.rejectedParents }) };
  }

  /** Records which keys of a file just loaded were rejected (and not loaded from another line), for the files after it. */
  private async settleRejections(spec: FileSpec, bulk: boolean): Promise<void> {
    const added = (await this.client.query(settleRejectionsSql(spec, bulk))).rowCount ?? 0;
    await this.runner.query(`TRUNCATE ${FILE_REJECTIONS_TABLE}`);
    if (added > 0 && isReferenced(spec.table)) this.rejectedParents.add(spec.table);
  }

  /**
   * A bulk load rebuilds every rollup before commit instead of marking the hours and tickets of each batch (work that
   * would only say "everything"): the table's marking triggers are off until finishBulkLoads. The table is locked by the
   * dropped indexes already, and the change, like the rest of the run, is seen by no one before commit.
   */
  private async suspendRollupMarking(table: string): Promise<void> {
    const triggers: { name: string }[] = await this.runner.query(ENABLED_MARKING_TRIGGERS_SQL, [table]);
    if (!triggers.length) return;
    await this.runner.query(REBUILD_ALL_ROLLUPS_SQL);
    for (const { name } of triggers) {
      await this.runner.query(`ALTER TABLE "${table}" DISABLE TRIGGER "${name}"`);
      this.suspendedTriggers.push({ table, name });
    }
  }

  /** After a bulk-loaded file: rebuilds its unique indexes (unless loadStagedFile did), which later files' lookups and re-imports need. */
  private async finishFile(spec: FileSpec): Promise<void> {
    const dropped = this.bulkLoaded.find((d) => d.table === spec.table);
    if (!dropped) return;
    if (dropped.uniqueIndexes.length) {
      await this.withMaintenanceMemory(async () => {
        for (const index of dropped.uniqueIndexes.splice(0)) await this.runner.query(index.definition);
      });
    }
    // Statistics for the lookups of the files that follow.
    await this.runner.query(`ANALYZE "${spec.table}"`);
  }

  /**
   * Builds the unique indexes a bulk load dropped from the table; false, leaving the transaction aborted for the caller's
   * savepoint to undo, when the rows break one of them (a duplicate id).
   */
  private async buildUniqueIndexes(spec: FileSpec): Promise<boolean> {
    const dropped = this.bulkLoaded.find((d) => d.table === spec.table);
    if (!dropped?.uniqueIndexes.length) return true;
    try {
      await this.withMaintenanceMemory(async () => {
        for (const index of dropped.uniqueIndexes) await this.runner.query(index.definition);
      });
    } catch (err) {
      if (sqlState(err) === SqlState.UNIQUE_VIOLATION) return false;
      throw err;
    }
    dropped.uniqueIndexes.splice(0);
    return true;
  }

  /** Runs index builds with room to sort in memory (the session default is small); for this transaction only. */
  private async withMaintenanceMemory(build: () => Promise<void>): Promise<void> {
    const [{ previous }] = await this.runner.query(`SELECT current_setting('maintenance_work_mem') AS previous`);
    await this.runner.query(`SELECT set_config('maintenance_work_mem', '256MB', true)`);
    await build();
    await this.runner.query(`SELECT set_config('maintenance_work_mem', $1, true)`, [previous]);
  }

  /** Rebuilds what bulk loads dropped, then refreshes the planner statistics of every table that took many rows. */
  async finishBulkLoads(): Promise<void> {
    for (const { table, name } of this.suspendedTriggers.splice(0)) await this.runner.query(`ALTER TABLE "${table}" ENABLE TRIGGER "${name}"`);
    if (this.bulkLoaded.length) {
      await this.withMaintenanceMemory(async () => {
        for (const dropped of this.bulkLoaded.splice(0)) {
          for (const ddl of restoreSql(dropped)) await this.runner.query(ddl);
          this.largeLoads.add(dropped.table);
        }
      });
    }
    // Later statements of this run (and the rollup refresh) plan with the new row counts.
    if (this.largeLoads.size) await this.runner.query(`ANALYZE ${[...this.largeLoads].map((t) => `"${t}"`).join(', ')}`);
  }

  /**
   * Copies one batch into the file's staging table and runs the batch statement, as soon as the database is done with
   * the batch before; then, once that batch is booked, books its counts and the rows the database rejected.
   */
  private async writeBatch(
    spec: FileSpec,
    name: string,
    sql: string,
    batch: Batch,
    summary: FileSummary,
    reject: Reject,
    before: Promise<void> | undefined,
  ): Promise<void> {
    // A key repeated within the batch is a duplicate of its first occurrence here; the statement checks earlier batches.
    const firstLine = new Map<string, number>();
    const repeats: { index: number; first: number }[] = [];
    let rows = batch.rows;
    let records = batch.records;
    for (let i = 0; i < rows.length; i++) {
      const first = firstLine.get(rows[i].key);
      if (first === undefined) firstLine.set(rows[i].key, records[i].line);
      else repeats.push({ index: i, first });
    }
    if (repeats.length) {
      const skip = new Set(repeats.map((r) => r.index));
      rows = rows.filter((_, i) => !skip.has(i));
      records = records.filter((_, i) => !skip.has(i));
    }

    // The staging rows are prepared now, while the database works on the batch before; they are sent the moment it
    // is done (and the statement leaves the staging table empty for the next batch).
    const fill = this.stagingFill(spec, rows, records);
    const written = this.lastWrite.then(async () => {
      await fill();
      // Without parameters, both statements travel in one round trip.
      const results = (await this.client.query(`${sql};\nTRUNCATE ${stageTableName(spec)}`)) as unknown as { rows: BatchResultRow[] }[];
      return results[0].rows;
    });
    this.lastWrite = written;
    written.catch(() => undefined);
    // Booked in file order: the batch before first (its failure is the run's).
    if (before) await before;

    let result: BatchResultRow[];
    try {
      result = await written;
    } catch (err) {
      throw refusedBatch(name, records, err);
    }
    const rejected: { record: RawRecord; problem: RowProblem; key: string }[] = [];
    const earlierOf = new Map<number, string>();
    const problemRows = result.filter((r) => r.problem !== null);
    if (problemRows.length) {
      const byLine = new Map(records.map((r, i) => [r.line, i]));
      for (const p of problemRows) {
        const i = byLine.get(p.line as number) as number;
        if (p.problem === 'duplicate') earlierOf.set(p.line as number, p.detail as string);
        rejected.push({ record: records[i], problem: this.describeDatabaseProblem(spec, rows[i], p), key: rows[i].key });
      }
    }
    // A repeat names the key's first line in the file: an earlier batch's, when its first occurrence here was one too.
    for (const { index, first } of repeats) {
      const detail = earlierOf.get(first) ?? String(first);
      const record = batch.records[index];
      const row = batch.rows[index];
      rejected.push({ record, problem: this.describeDatabaseProblem(spec, row, { line: record.line, problem: 'duplicate', detail, inserted: null, updated: null }), key: row.key });
    }
    for (const r of rejected.sort((a, b) => a.record.line - b.record.line)) await reject(r.record, [r.problem], r.key);
    const counts = result.find((r) => r.problem === null);
    summary.inserted += Number(counts?.inserted ?? 0);
    summary.updated += Number(counts?.updated ?? 0);
  }

  /** Prepares one batch's staging rows (COPY text, or array parameters on PGlite) and returns the call that sends them. */
  private stagingFill(spec: FileSpec, rows: ValidRow[], records: RawRecord[]): () => Promise<unknown> {
    if (this.useCopy) {
      const parts: string[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) parts[i] = copyRow(records[i].line, rows[i].key, rows[i].values, rows[i].attributes);
      const data = Buffer.from(parts.join(''));
      return () => copyInto(this.client, copyStageSql(spec), data);
    }
    const params: unknown[] = [records.map((r) => r.line), rows.map((r) => r.key)];
    for (let c = 0; c < spec.columns.length; c++) params.push(rows.map((r) => r.values[c]));
    params.push(rows.map((r) => r.attributes));
    return () => this.client.query(fillStageSql(spec), params);
  }

  /** Adds one batch of a bulk-loaded file to its staging table, as soon as the database is done with the batch before. */
  private async stageBatch(spec: FileSpec, name: string, batch: Batch, before: Promise<void> | undefined): Promise<void> {
    const fill = this.stagingFill(spec, batch.rows, batch.records);
    const written = this.lastWrite.then(fill);
    this.lastWrite = written;
    written.catch(() => undefined);
    if (before) await before;
    try {
      await written;
    } catch (err) {
      throw refusedBatch(name, batch.records, err);
    }
  }

  /**
   * Checks and inserts a bulk-loaded file staged whole (`staged` records), then books the records it rejected. The fast
   * statement is tried first, in a savepoint: it is kept when it inserted every record and the table's unique indexes
   * (which catch duplicate ids) then build. Otherwise it is undone and the checking statement names every problem.
   */
  private async loadStagedFile(
    spec: FileSpec,
    name: string,
    staged: number,
    validator: RecordValidator,
    summary: FileSummary,
    reject: Reject,
  ): Promise<void> {
    const stage = stageTableName(spec);
    const refused = (err: unknown) => new Error(`${name}: the database refused the file's records: ${(err as Error).message}`, { cause: err });
    // Temporary tables have no statistics until analysed; the plans of the statements depend on the staged row count.
    await this.runner.query(`ANALYZE ${stage}`);
    // Sequences ignore rollbacks: the id sequence is put back too if the fast statement is undone, so that ids follow the
    // lines as they would had it never run (the table is this run's alone: the bulk load holds it locked).
    const [{ sequence }] = await this.runner.query(`SELECT pg_get_serial_sequence($1, 'id') AS sequence`, [`"${spec.table}"`]);
    const [position] = await this.runner.query(`SELECT last_value, is_called FROM ${sequence}`);
    await this.runner.query('SAVEPOINT whole_file');
    let fast: number;
    try {
      fast = (await this.client.query(wholeFileFastInsertSql(spec, this.rejectedParents))).rowCount ?? 0;
    } catch (err) {
      throw refused(err);
    }
    if (fast === staged && (await this.buildUniqueIndexes(spec))) {
      await this.runner.query('RELEASE SAVEPOINT whole_file');
      summary.inserted += fast;
      await this.runner.query(`TRUNCATE ${stage}`);
      return;
    }
    await this.runner.query('ROLLBACK TO SAVEPOINT whole_file');
    await this.runner.query('RELEASE SAVEPOINT whole_file');
    await this.runner.query(`SELECT setval($1::regclass, $2, $3)`, [sequence, position.last_value, position.is_called]);

    await this.runner.query(`TRUNCATE ${STAGED_PROBLEMS_TABLE}`);
    let inserted: string;
    try {
      [{ inserted }] = await this.runner.query(wholeFileInsertSql(spec, this.rejectedParents));
    } catch (err) {
      throw refused(err);
    }
    summary.inserted += Number(inserted);
    await this.runner.query(`TRUNCATE ${stage}`);
    await this.rejectStagedProblems(spec, name, validator, reject);
  }

  /**
   * Books the problems of the checking statement, in line order, with their records: read again from the source (the
   * file's records were not kept), and only when there are problems.
   */
  private async rejectStagedProblems(
    spec: FileSpec,
    name: string,
    validator: RecordValidator,
    reject: Reject,
  ): Promise<void> {
    let page: StagedProblem[] = await this.stagedProblems(0);
    if (!page.length) return;
    const records = this.source.records(spec.file)[Symbol.asyncIterator]();
    try {
      while (page.length) {
        for (const p of page) {
          let next = await records.next();
          while (!next.done && next.value.line < p.line) next = await records.next();
          if (next.done || next.value.line !== p.line) throw new Error(`${name} changed while it was imported: line ${p.line} is no longer there`);
          const result = validator.validate(next.value);
          if (!result.ok) throw new Error(`${name} changed while it was imported: line ${p.line} is no longer valid`);
          await reject(next.value, [this.describeDatabaseProblem(spec, result.row, { ...p, inserted: null, updated: null })], result.row.key);
        }
        page = await this.stagedProblems(page[page.length - 1].line);
      }
    } finally {
      await records.return?.();
    }
  }

  /** The next page of the whole-file statement's problems, after a line. */
  private async stagedProblems(afterLine: number): Promise<StagedProblem[]> {
    return this.runner.query(`SELECT line, problem, detail FROM ${STAGED_PROBLEMS_TABLE} WHERE line > $1 ORDER BY line LIMIT ${STAGED_PROBLEMS_PAGE}`, [
      afterLine,
    ]);
  }

  /** Turns a problem code of the batch statement into a reason naming the values involved. */
  private describeDatabaseProblem(spec: FileSpec, row: ValidRow, p: BatchResultRow): RowProblem {
    const value = (column: string) => row.values[spec.columns.findIndex((c) => c.name === column)];
    const code = p.problem as string;
    if (code === 'duplicate') {
      const key = spec.keyColumns.map((c) => `${c} ${JSON.stringify(value(c))}`).join(' and ');
      return { column: spec.keyColumns[0], reason: `duplicate ${key}: already on line ${p.detail} of this file`, cause: 'duplicate' };
    }
    const [kind, column] = code.split(':');
    if (kind === 'missing' || kind === 'rejected') {
      const file = REFERENCED_FILE[spec.columns.find((c) => c.name === column)?.references as ReferencedTable];
      const where = this.source.describe(file) ?? `${file}.csv`;
      const cell = `${column} ${JSON.stringify(value(column))}`;
      if (kind === 'rejected') return { column, reason: `${cell} refers to a record this import rejected (${where} line ${p.detail})`, cause: 'rejected-reference' };
      return { column, reason: `${cell} not found in ${where} (valid rows) or the database` };
    }
    if (code === 'sent_before_ticket') {
      return { column: 'sent_at', reason: `sent_at ${value('sent_at')} is before the ticket's created_at (${p.detail})` };
    }
    return { reason: code };
  }

  /** Fills first_response_at from messages where the file left it empty (for every ticket after a bulk load). */
  async deriveFirstResponses(): Promise<number> {
    const [row] = await this.runner.query(deriveFirstResponsesSql(this.deriveAll));
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

/**
 * Loads a dataset in one transaction: validates every rule of docs/data-contract.md, upserts by source id in batches,
 * derives first responses, records the run in import_runs. Throws ImportValidationError (database unchanged) when a
 * record is invalid, unless `skipInvalid`, which loads the valid records and reports the rest.
 */
export async function importDataset(dataSource: DataSource, source: DatasetSource, options: ImportOptions = {}): Promise<ImportSummary> {
  const startedAt = new Date();
  const startedMs = performance.now();
  const present = DATASET_FILES.filter((f) => source.describe(f) !== undefined);
  if (options.requireTickets !== false && !present.includes('tickets')) throw new ImportValidationError([{ file: 'tickets.csv', reason: 'required file is missing' }]);

  const runner = dataSource.createQueryRunner();
  let run: ImportRun | undefined;
  try {
    const client = (await runner.connect()) as PoolClient;
    // COPY FROM STDIN does not pass through PGlite's socket server; there batches reach staging as array parameters.
    const [{ version }] = await runner.query('SELECT version() AS version');
    run = new ImportRun(runner, source, options, client, !/PGlite/i.test(version));
    await runner.startTransaction();
    // The configured statement timeout guards API queries; a large import's statements may legitimately run longer.
    await runner.query('SET LOCAL statement_timeout = 0');
    // The batch statements are cheap but look expensive to the planner; JIT compiling them costs more than running them.
    await runner.query('SET LOCAL jit = off');
    // Sorts and hashes of the batch statements and of the derivation stay in memory instead of spilling to disk.
    await runner.query(`SET LOCAL work_mem = '64MB'`);
    const [{ locked }] = await runner.query(`SELECT pg_try_advisory_xact_lock(${IMPORT_LOCK}) AS locked`);
    if (!locked) {
      options.onWait?.('waiting for another import into this database to finish');
      await runner.query(`SELECT pg_advisory_xact_lock(${IMPORT_LOCK})`);
    }
    // Writes only mark the rollup hours they touch; the rollups are rebuilt once, below, before commit.
    await runner.query(DEFER_ROLLUPS_SQL);
    for (const ddl of createTempTablesSql(present.map((f) => FILE_SPECS[f]))) await runner.query(ddl);

    const files: FileSummary[] = [];
    let derivedFirstResponses = 0;
    const finishing: FinishingTimes = { firstResponses: 0, indexes: 0, rollups: 0 };
    try {
      for (const file of present) files.push(await run.loadFile(FILE_SPECS[file], source.describe(file) as string));
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
    const rollupsMs = performance.now();
    options.onStep?.('refreshing rollups');
    await runner.query(REFRESH_ROLLUPS_SQL);
    finishing.rollups = seconds(rollupsMs);

    const total = totalOf(files, seconds(startedMs));
    const reportPath = run.reportPath;
    const summary = { files, total, derivedFirstResponses, finishing, skipInvalid: options.skipInvalid ?? false, reportPath: reportPath ?? null };
    const [{ id }] = await runner.query(
      'INSERT INTO import_runs (source, started_at, finished_at, summary) VALUES ($1, $2, now(), $3::jsonb) RETURNING id',
      [options.sourceName ?? 'dataset', startedAt.toISOString(), JSON.stringify(summary)],
    );
    await runner.commitTransaction();
    await run.finishReport();
    return { runId: String(id), files, total, derivedFirstResponses, reportPath, finishing };
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await run?.discardReport();
    throw err;
  } finally {
    await runner.release();
  }
}
