import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { QueryRunner } from 'typeorm';
import type { DatasetFile, DatasetSource, RawRecord } from '../dataset-source';
import type { FileSpec, ReferencedTable } from '../file-specs';
import type { RecordValidator, RowProblem, ValidRow } from '../record-validator';
import { copyRow } from '../copy-text';
import { copyStageSql, fillStageSql } from '../upsert-statements';

/**
 * How a file's valid records reach its table. The importer's loop reads, validates and rejects records and hands them
 * over a batch at a time; the writer, chosen once per file (openFileWriter), writes them its own way and books what the
 * database inserted, updated or rejected.
 */
export interface FileWriter {
  /**
   * Takes the next batch of the file; resolves once the batch is booked, which happens after `before` (the booking of
   * the batch before). The database work of a batch starts as soon as that of the batch before is done.
   */
  write(batch: Batch, before: Promise<void> | undefined): Promise<void>;
  /** After the last batch: writes and books what the writer held back, and leaves the table ready for the next files. */
  finish(): Promise<void>;
  /** settleRejectionsSql for this writer: how it tells which rejected keys loaded from another line of the file. */
  readonly settleRejectionsSql: string;
  /** Removes what the writer keeps outside the database, when the run stops before its finish. */
  discard?(): Promise<void>;
}

/** Valid rows with the records they came from, in file order. */
export interface Batch {
  rows: ValidRow[];
  records: RawRecord[];
}

/** Rejects a record with its problems; `key` is the record's key when known, so that records referring to it are rejected too. */
export type Reject = (record: RawRecord, problems: RowProblem[], key?: string) => Promise<void>;

/** The counts a writer books. */
export interface WriteCounts {
  inserted: number;
  updated: number;
}

/** The file a writer writes. */
export interface FileTarget {
  spec: FileSpec;
  /** The file's name in problems. */
  name: string;
  counts: WriteCounts;
  reject: Reject;
  /** Checks the records a writer reads again from the source (a bulk load's rejected ones). */
  validator: RecordValidator;
}

/** A problem the database found in a staged record: a code of the statements of upsert-statements.ts. */
export interface DatabaseProblem {
  line: number;
  problem: string;
  detail: string | null;
}

const REFERENCED_FILE: Record<ReferencedTable, DatasetFile> = { customers: 'customers', agents: 'agents', tickets: 'tickets' };

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
export const refusedBatch = (name: string, records: RawRecord[], err: unknown) =>
  new Error(`${name}: the database refused the batch of lines ${records[0].line}–${records[records.length - 1].line}: ${(err as Error).message}`, {
    cause: err,
  });

/** What the writers of one run share: its connection, the order of its database work, what it rejected so far. */
export class WriteSession {
  /** Referenced tables some of whose records this run rejected: the statements of later files reject references to them. */
  readonly rejectedParents = new Set<ReferencedTable>();
  /** First responses are re-derived for every ticket (after a bulk load), so touched tickets need not be tracked. */
  deriveAll = false;
  /** The database work of the last batch sent: the next batch's starts when it is done. */
  private lastWrite: Promise<unknown> = Promise.resolve();

  constructor(
    readonly runner: QueryRunner,
    /** The pg client under the runner: batches go to it directly (COPY needs it), each as soon as the one before is done. */
    readonly client: PoolClient,
    /** COPY FROM STDIN is available (not on PGlite); otherwise batches reach staging as array parameters. */
    private readonly useCopy: boolean,
    readonly source: DatasetSource,
    /** ImportOptions.bulkChunkRows. */
    readonly bulkChunkRows?: number,
  ) {}

  /** Runs `work` once the database is done with the work queued before it; its failure is left to the caller. */
  queue<T>(work: () => Promise<T>): Promise<T> {
    const done = this.lastWrite.then(work);
    this.lastWrite = done;
    done.catch(() => undefined);
    return done;
  }

  /** Batches reach staging through COPY FROM STDIN (PostgreSQL), which is also what a StagingSpool sends. */
  get copies(): boolean {
    return this.useCopy;
  }

  /** One batch's staging rows as COPY text; `firstSeq`: the first row's position among the file's staged rows. */
  copyText(rows: ValidRow[], records: RawRecord[], firstSeq?: number): Buffer {
    const parts: string[] = new Array(rows.length);
    for (let i = 0; i < rows.length; i++)
      parts[i] = copyRow(records[i].line, rows[i].key, rows[i].values, rows[i].attributes, firstSeq === undefined ? null : firstSeq + i);
    return Buffer.from(parts.join(''));
  }

  /** Sends staging rows as COPY text (copyText) through COPY FROM STDIN. */
  stagingCopy(spec: FileSpec, data: Buffer): Promise<void> {
    return copyInto(this.client, copyStageSql(spec), data);
  }

  /**
   * Prepares one batch's staging rows (COPY text, or array parameters on PGlite) and returns the call that sends them.
   * `firstSeq`: the first row's position among the file's staged rows (a bulk load numbers them).
   */
  stagingFill(spec: FileSpec, rows: ValidRow[], records: RawRecord[], firstSeq?: number): () => Promise<unknown> {
    if (this.useCopy) {
      const data = this.copyText(rows, records, firstSeq);
      return () => this.stagingCopy(spec, data);
    }
    const params: unknown[] = [records.map((r) => r.line), rows.map((r) => r.key)];
    for (let c = 0; c < spec.columns.length; c++) params.push(rows.map((r) => r.values[c]));
    params.push(rows.map((r) => r.attributes));
    params.push(rows.map((_, i) => (firstSeq === undefined ? null : firstSeq + i)));
    return () => this.client.query(fillStageSql(spec), params);
  }

  /** Turns a problem code of the statements into a reason naming the values involved. */
  describeDatabaseProblem(spec: FileSpec, row: ValidRow, p: DatabaseProblem): RowProblem {
    const value = (column: string) => row.values[spec.columns.findIndex((c) => c.name === column)];
    const code = p.problem;
    if (code === 'duplicate') {
      const key = spec.keyColumns.map((c) => `${c} ${JSON.stringify(value(c))}`).join(' and ');
      return { column: spec.keyColumns[0], reason: `duplicate ${key}: already on line ${p.detail} of this file`, cause: 'duplicate' };
    }
    const [kind, column] = code.split(':');
    if (kind === 'missing' || kind === 'rejected') {
      const file = REFERENCED_FILE[spec.columns.find((c) => c.name === column)?.references as ReferencedTable];
      const where = this.source.describe(file) ?? `${file}.csv`;
      const cell = `${column} ${JSON.stringify(value(column))}`;
      if (kind === 'rejected')
        return { column, reason: `${cell} refers to a record this import rejected (${where} line ${p.detail})`, cause: 'rejected-reference' };
      return { column, reason: `${cell} not found in ${where} (valid rows) or the database` };
    }
    if (code === 'sent_before_ticket') {
      return { column: 'sent_at', reason: `sent_at ${value('sent_at')} is before the ticket's created_at (${p.detail})` };
    }
    return { reason: code };
  }

  /** Runs index builds with room to sort in memory (the session default is small); for this transaction only. */
  async withMaintenanceMemory(build: () => Promise<void>): Promise<void> {
    const [{ previous }] = await this.runner.query(`SELECT current_setting('maintenance_work_mem') AS previous`);
    await this.runner.query(`SELECT set_config('maintenance_work_mem', '256MB', true)`);
    await build();
    await this.runner.query(`SELECT set_config('maintenance_work_mem', $1, true)`, [previous]);
  }
}
