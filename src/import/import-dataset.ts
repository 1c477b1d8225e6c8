import type { DataSource, QueryRunner } from 'typeorm';
import { DATASET_FILES, type DatasetFile, type DatasetSource, type RawRecord } from './dataset-source';
import { FILE_SPECS, type FileSpec } from './file-specs';
import { UnreadableFileError } from './folder-source';
import { ImportValidationError, type ImportProblem } from './import-problems';
import { checkHeader, RecordValidator, type RowProblem, type ValidRow } from './record-validator';
import { defaultReportPath, RejectionReport } from './rejection-report';
import { DEFER_ROLLUPS_SQL, REFRESH_ROLLUPS_SQL } from '../metrics/rollups/rollup-refresh';
import { createTempTablesSql, DERIVE_FIRST_RESPONSES_SQL, upsertSql } from './upsert-statements';

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
  /** Problems to collect before giving up on a failing run (default 50); --skip-invalid rejects without limit. */
  maxErrors?: number;
}

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
}

const DEFAULT_BATCH_SIZE = 5000;
const DEFAULT_MAX_ERRORS = 50;
const PROGRESS_INTERVAL_MS = 500;
// Serialises imports into one database: two concurrent runs would otherwise interleave their upserts and counts.
const IMPORT_LOCK_KEY = 4_210_774_151;

const REFERENCED_FILE: Record<string, DatasetFile> = { customers: 'customers', agents: 'agents', tickets: 'tickets' };

/** Stops a failing run once maxErrors problems are collected. */
class TooManyProblems extends Error {}

interface Batch {
  rows: ValidRow[];
  records: RawRecord[];
}

interface BatchResultRow {
  line: number | null;
  problem: string | null;
  detail: string | null;
  inserted: string | null;
  updated: string | null;
}

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

  constructor(
    private readonly runner: QueryRunner,
    private readonly source: DatasetSource,
    private readonly options: ImportOptions,
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
    const reject = async (record: RawRecord, problems: RowProblem[]) => {
      summary.rejected++;
      for (const p of problems) await this.problem({ file: name, line: record.line, column: p.column, reason: p.reason }, record);
    };

    const columns = await this.readColumns(spec, name);
    if (columns === null) return summary;
    const validator = new RecordValidator(spec, columns);
    const sql = upsertSql(spec);

    let batch: Batch = { rows: [], records: [] };
    let pending: Promise<void> | undefined;
    const flush = async () => {
      if (pending) await pending;
      if (batch.rows.length === 0) return;
      const current = batch;
      batch = { rows: [], records: [] };
      pending = this.writeBatch(spec, name, sql, current, summary, reject);
      pending.catch(() => undefined);
    };

    let lastProgressMs = startedMs;
    let bytesRead: number | undefined;
    try {
      try {
        for await (const record of this.source.records(spec.file)) {
          summary.read++;
          bytesRead = record.bytesRead ?? bytesRead;
          if (record.problem) {
            await reject(record, [{ reason: record.problem }]);
            continue;
          }
          const result = validator.validate(record);
          if (!result.ok) {
            await reject(record, result.problems);
            continue;
          }
          batch.rows.push(result.row);
          batch.records.push(record);
          if (batch.rows.length >= this.batchSize) {
            await flush();
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
      await flush();
      if (pending) await pending;
    } finally {
      // Never leave a batch statement running unobserved when the loop stops early.
      await pending?.catch(() => undefined);
    }

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

  /** Sends one batch statement and books its counts and the rows the database rejected. */
  private async writeBatch(
    spec: FileSpec,
    name: string,
    sql: string,
    batch: Batch,
    summary: FileSummary,
    reject: (record: RawRecord, problems: RowProblem[]) => Promise<void>,
  ): Promise<void> {
    const { rows, records } = batch;
    const params: unknown[] = [records.map((r) => r.line), rows.map((r) => r.key)];
    for (let c = 0; c < spec.columns.length; c++) params.push(rows.map((r) => r.values[c]));
    params.push(rows.map((r) => r.attributes));
    let result: BatchResultRow[];
    try {
      result = await this.runner.query(sql, params);
    } catch (err) {
      throw new Error(`${name}: the database refused the batch of lines ${records[0].line}–${records[records.length - 1].line}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const problemRows = result.filter((r) => r.problem !== null);
    if (problemRows.length) {
      const byLine = new Map(records.map((r, i) => [r.line, i]));
      for (const p of problemRows.sort((a, b) => (a.line as number) - (b.line as number))) {
        const i = byLine.get(p.line as number) as number;
        await reject(records[i], [this.describeDatabaseProblem(spec, rows[i], p)]);
      }
    }
    const counts = result.find((r) => r.problem === null);
    summary.inserted += Number(counts?.inserted ?? 0);
    summary.updated += Number(counts?.updated ?? 0);
  }

  /** Turns a problem code of the batch statement into a reason naming the values involved. */
  private describeDatabaseProblem(spec: FileSpec, row: ValidRow, p: BatchResultRow): RowProblem {
    const value = (column: string) => row.values[spec.columns.findIndex((c) => c.name === column)];
    const code = p.problem as string;
    if (code === 'duplicate') {
      const key = spec.keyColumns.map((c) => `${c} ${JSON.stringify(value(c))}`).join(' and ');
      return { column: spec.keyColumns[0], reason: `duplicate ${key}: already on line ${p.detail} of this file` };
    }
    if (code.startsWith('missing:')) {
      const column = code.slice('missing:'.length);
      const table = spec.columns.find((c) => c.name === column)?.references as string;
      const file = REFERENCED_FILE[table];
      const where = this.source.describe(file) ?? `${file}.csv`;
      return { column, reason: `${column} ${JSON.stringify(value(column))} not found in ${where} (valid rows) or the database` };
    }
    if (code === 'sent_before_ticket') {
      return { column: 'sent_at', reason: `sent_at ${value('sent_at')} is before the ticket's created_at (${p.detail})` };
    }
    return { reason: code };
  }

  /** Fills first_response_at from messages where the file left it empty. */
  async deriveFirstResponses(): Promise<number> {
    const [row] = await this.runner.query(DERIVE_FIRST_RESPONSES_SQL);
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
  if (!present.includes('tickets')) throw new ImportValidationError([{ file: 'tickets.csv', reason: 'required file is missing' }]);

  const runner = dataSource.createQueryRunner();
  const run = new ImportRun(runner, source, options);
  try {
    await runner.connect();
    await runner.startTransaction();
    // The configured statement timeout guards API queries; a large import's statements may legitimately run longer.
    await runner.query('SET LOCAL statement_timeout = 0');
    // The batch statements are cheap but look expensive to the planner; JIT compiling them costs more than running them.
    await runner.query('SET LOCAL jit = off');
    await runner.query('SELECT pg_advisory_xact_lock($1)', [IMPORT_LOCK_KEY]);
    // Writes only mark the rollup hours they touch; the rollups are rebuilt once, below, before commit.
    await runner.query(DEFER_ROLLUPS_SQL);
    for (const ddl of createTempTablesSql(present.map((f) => FILE_SPECS[f]))) await runner.query(ddl);

    const files: FileSummary[] = [];
    let derivedFirstResponses = 0;
    try {
      for (const file of present) files.push(await run.loadFile(FILE_SPECS[file], source.describe(file) as string));
      derivedFirstResponses = await run.deriveFirstResponses();
    } catch (err) {
      if (!(err instanceof TooManyProblems)) throw err;
      throw new ImportValidationError(run.problems, { truncated: true });
    }
    if (run.problems.length) throw new ImportValidationError(run.problems);
    await runner.query(REFRESH_ROLLUPS_SQL);

    const total = totalOf(files, seconds(startedMs));
    const reportPath = run.reportPath;
    const summary = { files, total, derivedFirstResponses, skipInvalid: options.skipInvalid ?? false, reportPath: reportPath ?? null };
    const [{ id }] = await runner.query(
      'INSERT INTO import_runs (source, started_at, finished_at, summary) VALUES ($1, $2, now(), $3::jsonb) RETURNING id',
      [options.sourceName ?? 'dataset', startedAt.toISOString(), JSON.stringify(summary)],
    );
    await runner.commitTransaction();
    await run.finishReport();
    return { runId: String(id), files, total, derivedFirstResponses, reportPath };
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    await run.discardReport();
    throw err;
  } finally {
    await runner.release();
  }
}
