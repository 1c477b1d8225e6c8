import type { DataSource, QueryRunner } from 'typeorm';
import { DATASET_FILES, type DatasetFile, type DatasetSource } from '../import/dataset-source';
import { FILE_SPECS } from '../import/file-specs';
import { importDataset } from '../import/import-dataset';
import { inImportTransaction } from '../import/import-transaction';
import { rebuildPendingRollups } from '../metrics/rollups/rollup-rebuild';
import { loadStreamStates, recordStreamError, writeCursor } from './cursor-store';
import type { ContractRecord, SourceConnector, StreamCursor, StreamState, SyncContext, SyncPage } from './source-connector';

/**
 * Named points of a sync where a test (or DESKMETRICS_SYNC_FAIL_AT) can stop it, in the order a page passes them:
 * - `page-fetched`: the page is fetched and mapped, nothing of it written;
 * - `mid-page`: inside the page's transaction, between its records;
 * - `records-written`: inside the transaction, records and deletions written, cursor not yet;
 * - `cursor-written`: inside the transaction, cursor written, not yet committed;
 * - `page-committed`: the page is committed, the next not yet fetched;
 * - `stream-done`: a stream reached its end, the next stream not started;
 * - `rollup-part-done`: after the streams, a part of the rollups' rebuild is committed, others may be running (a
 *   backfill's bulk loads leave the rebuild to the end; PostgreSQL only: the embedded database rebuilds in one part).
 */
export const CHECKPOINTS = [
  'page-fetched',
  'mid-page',
  'records-written',
  'cursor-written',
  'page-committed',
  'stream-done',
  'rollup-part-done',
] as const;
export type Checkpoint = (typeof CHECKPOINTS)[number];

/** How a sync run behaves. */
export interface SyncOptions {
  /** Where streams without a cursor start (the first run's backfill). */
  since?: Date;
  /** Rows per statement of the importer. */
  batchSize?: number;
  /** Called at each checkpoint; throwing there stops the sync as a crash would (tests of resumption). */
  onCheckpoint?: (point: Checkpoint, stream: string) => void | Promise<void>;
  /** Told after each committed page. */
  onPage?: (progress: PageProgress) => void;
  /**
   * Records gathered from consecutive pages of a stream before they are written, in one transaction with the cursor
   * of the last (default 10,000): fewer, larger transactions refresh each touched rollup hour once instead of per page.
   */
  recordsPerTransaction?: number;
  /**
   * Records gathered per transaction while a stream writes into empty tables (its first backfill; default 200,000): the
   * importer then loads them as a bulk load (indexes and keys rebuilt once, rollups rebuilt once), several times faster
   * than batch upserts. A sync stopped meanwhile fetches the transaction's pages again.
   */
  backfillRecordsPerTransaction?: number;
  /** Told when the page waits for an import into the same database. */
  onWait?: (message: string) => void;
}

/** Where a running sync is, after a committed page. */
export interface PageProgress {
  stream: string;
  page: number;
  read: number;
  cursorTime: Date | null;
  seconds: number;
}

/** Counts of one contract entity written by a stream. */
export interface EntityCounts {
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/** What a stream did in a run. */
export interface StreamSummary {
  stream: string;
  pages: number;
  /** Source records read. */
  read: number;
  entities: Partial<Record<DatasetFile, EntityCounts>>;
  deletedTickets: number;
  skipped: Record<string, number>;
  cursorTime: Date | null;
  seconds: number;
}

export interface SyncSummary {
  source: string;
  streams: StreamSummary[];
  seconds: number;
}

/** A sync stopped by an error; `stream` names the stream whose page failed (its last committed page stands). */
export class SyncError extends Error {
  constructor(
    readonly stream: string,
    cause: unknown,
  ) {
    super(`${stream}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

const seconds = (fromMs: number) => (performance.now() - fromMs) / 1000;

/** A page's records as a dataset of JSON Lines "files", one per entity, named after the stream for error messages. */
function pageSource(stream: string, records: SyncPage['records'], onRecord: () => Promise<void>): DatasetSource {
  const name = (f: DatasetFile) => `${stream}→${f}`;
  return {
    describe: (f) => (records[f]?.length ? name(f) : undefined),
    records: async function* (f) {
      const list = records[f] ?? [];
      for (let i = 0; i < list.length; i++) {
        yield { line: i + 1, values: list[i] };
        await onRecord();
      }
    },
  };
}

const ID_FIELD: Partial<Record<DatasetFile, string>> = {
  customers: 'customer_id',
  agents: 'agent_id',
  tickets: 'ticket_id',
  messages: 'message_id',
  surveys: 'survey_id',
  orders: 'order_id',
};

/** Keeps the last record of each id (the contract forbids an id twice in one file; a source page may repeat one). */
function lastOfEachId(file: DatasetFile, records: ContractRecord[]): ContractRecord[] {
  const key = ID_FIELD[file];
  if (!key) return records;
  const byId = new Map<unknown, ContractRecord>();
  for (const r of records) {
    byId.delete(r[key]);
    byId.set(r[key], r);
  }
  return [...byId.values()];
}

const DEFAULT_RECORDS_PER_TRANSACTION = 10_000;
const DEFAULT_BACKFILL_RECORDS_PER_TRANSACTION = 200_000;

/** Whether every table a page writes is empty (a first backfill), so that its group may be a bulk load. */
async function intoEmptyTables(dataSource: DataSource, page: SyncPage): Promise<boolean> {
  const tables = DATASET_FILES.filter((f) => page.records[f]?.length).map((f) => FILE_SPECS[f].table);
  if (!tables.length) return false;
  const [{ empty }] = await dataSource.query(`SELECT ${tables.map((t) => `NOT EXISTS (SELECT 1 FROM "${t}")`).join(' AND ')} AS empty`);
  return empty === true;
}

const recordCount = (page: SyncPage) =>
  Object.values(page.records).reduce((n, list) => n + (list?.length ?? 0), 0) + (page.deletedTickets?.length ?? 0);

/**
 * Consecutive pages of a stream as one, in order: a later version of a record wins (lastOfEachId keeps the last), a
 * ticket deleted after an update is only deleted, and a ticket restored after a deletion is only upserted.
 */
export function mergePages(pages: SyncPage[]): SyncPage {
  if (pages.length === 1) return pages[0];
  const records: SyncPage['records'] = {};
  const deleted = new Set<string>();
  for (const page of pages) {
    for (const file of DATASET_FILES) {
      const list = page.records[file];
      if (!list?.length) continue;
      (records[file] ??= []).push(...list);
      if (file === 'tickets') for (const r of list) deleted.delete(String(r.ticket_id));
    }
    for (const id of page.deletedTickets ?? []) {
      deleted.add(id);
      if (records.tickets) records.tickets = records.tickets.filter((r) => String(r.ticket_id) !== id);
    }
  }
  const last = pages[pages.length - 1];
  return {
    records,
    deletedTickets: [...deleted],
    skipped: pages.flatMap((p) => p.skipped ?? []),
    cursor: last.cursor,
    cursorTime: pages.reduce<Date | null>((t, p) => p.cursorTime ?? t, null),
    done: last.done,
    read: pages.reduce((n, p) => n + p.read, 0),
  };
}

const DELETE_TICKETS_SQL = [
  `DELETE FROM surveys WHERE ticket_id IN (SELECT id FROM tickets WHERE external_id = ANY($1::text[]))`,
  `DELETE FROM tickets WHERE external_id = ANY($1::text[])`,
];

/**
 * Runs every stream of a connector from its stored cursor to its end. Consecutive pages (up to recordsPerTransaction
 * records) are one transaction: their records go through importDataset (the validation and upserts of `deskmetrics
 * import`), their deletions and the stream's new cursor are written in the same transaction, so a sync stopped
 * anywhere resumes from the last committed page and, since upserts are idempotent, ends with the database an
 * uninterrupted sync gives. A first backfill into empty tables gathers more (backfillRecordsPerTransaction): the
 * importer bulk-loads it, and the rollups are rebuilt once when every stream is done (a stopped sync leaves that to
 * its next run, or the server's start).
 */
export async function runSync(dataSource: DataSource, connector: SourceConnector, options: SyncOptions = {}): Promise<SyncSummary> {
  const startedMs = performance.now();
  const { source } = connector;
  const states = await loadStreamStates(dataSource, source);
  const checkpoint = async (point: Checkpoint, stream: string) => options.onCheckpoint?.(point, stream);
  const context: SyncContext = {
    query: (sql, params) => dataSource.query(sql, params),
    stateOf: (stream) => states.get(stream),
    since: options.since,
  };
  await connector.prepare?.(context);
  const summaries: StreamSummary[] = [];
  for (const stream of connector.streams) {
    const streamStartedMs = performance.now();
    const summary: StreamSummary = {
      stream: stream.name,
      pages: 0,
      read: 0,
      entities: {},
      deletedTickets: 0,
      skipped: {},
      cursorTime: null,
      seconds: 0,
    };
    summaries.push(summary);
    let cursor: StreamCursor | null = states.get(stream.name)?.cursor ?? null;
    try {
      for (;;) {
        // Pages are read until they hold recordsPerTransaction records (backfillRecordsPerTransaction when the first
        // page goes into empty tables), or the stream ends, then written together.
        const group: SyncPage[] = [];
        let records = 0;
        let limit = options.recordsPerTransaction ?? DEFAULT_RECORDS_PER_TRANSACTION;
        for (;;) {
          const page = await stream.nextPage(cursor, context);
          await checkpoint('page-fetched', stream.name);
          if (!group.length && (await intoEmptyTables(dataSource, page)))
            limit = options.backfillRecordsPerTransaction ?? DEFAULT_BACKFILL_RECORDS_PER_TRANSACTION;
          group.push(page);
          records += recordCount(page);
          cursor = page.cursor;
          if (page.done || records >= limit) break;
        }
        const page = mergePages(group);
        await writePage(dataSource, source, stream.name, page, options, checkpoint, summary);
        summary.pages += group.length;
        summary.read += page.read;
        for (const s of page.skipped ?? []) summary.skipped[s.reason] = (summary.skipped[s.reason] ?? 0) + s.count;
        const state: StreamState = { cursor: page.cursor, cursorTime: page.cursorTime ?? states.get(stream.name)?.cursorTime ?? null };
        states.set(stream.name, state);
        summary.cursorTime = state.cursorTime;
        options.onPage?.({
          stream: stream.name,
          page: summary.pages,
          read: summary.read,
          cursorTime: state.cursorTime,
          seconds: seconds(streamStartedMs),
        });
        await checkpoint('page-committed', stream.name);
        if (page.done) break;
      }
      summary.seconds = seconds(streamStartedMs);
      await checkpoint('stream-done', stream.name);
    } catch (err) {
      await recordStreamError(dataSource, source, stream.name, err instanceof Error ? err.message : String(err)).catch(() => undefined);
      throw new SyncError(stream.name, err);
    }
  }
  // The bulk loads of a backfill left the rollups' rebuild to now: once for every stream.
  await rebuildPendingRollups(dataSource, { onPartDone: () => checkpoint('rollup-part-done', 'rollups') });
  return { source, streams: summaries, seconds: seconds(startedMs) };
}

/** Writes one page (records, deletions, cursor) in one transaction. */
async function writePage(
  dataSource: DataSource,
  source: string,
  stream: string,
  page: SyncPage,
  options: SyncOptions,
  checkpoint: (point: Checkpoint, stream: string) => Promise<void>,
  summary: StreamSummary,
): Promise<void> {
  const records: SyncPage['records'] = {};
  let count = 0;
  for (const file of DATASET_FILES) {
    const list = page.records[file];
    if (list?.length) {
      records[file] = lastOfEachId(file, list);
      count += records[file].length;
    }
  }
  const deleted = [...new Set(page.deletedTickets ?? [])];
  const finish = async (runner: QueryRunner) => {
    if (deleted.length) {
      for (const sql of DELETE_TICKETS_SQL) await runner.query(sql, [deleted]);
      summary.deletedTickets += deleted.length;
    }
    await checkpoint('records-written', stream);
    await writeCursor(runner, source, stream, { cursor: page.cursor, cursorTime: page.cursorTime }, count, page.done);
    await checkpoint('cursor-written', stream);
  };

  if (count === 0 && deleted.length === 0) {
    // Nothing to import: the cursor alone moves, in a transaction of its own.
    await inImportTransaction(dataSource, finish);
    return;
  }

  let midPageSeen = false;
  const result = await importDataset(
    dataSource,
    pageSource(stream, records, async () => {
      if (midPageSeen) return;
      midPageSeen = true;
      await checkpoint('mid-page', stream);
    }),
    {
      requireTickets: false,
      skipInvalid: false,
      batchSize: options.batchSize,
      sourceName: `${source} ${stream}`,
      onWait: options.onWait,
      inTransaction: finish,
      deferFullRollupRebuild: true,
    },
  );
  for (const f of result.files) {
    const file = f.file.split('→')[1] as DatasetFile;
    const e = (summary.entities[file] ??= { read: 0, inserted: 0, updated: 0, unchanged: 0 });
    e.read += f.read;
    e.inserted += f.inserted;
    e.updated += f.updated;
    e.unchanged += f.unchanged;
  }
}

/**
 * DESKMETRICS_SYNC_FAIL_AT=<checkpoint>:<n> kills the process (SIGKILL, as `kill -9` would) the n-th time the sync
 * passes the checkpoint: for testing resumption against a real process. Undefined when unset.
 */
export function failAtFromEnv(value: string | undefined): SyncOptions['onCheckpoint'] {
  if (!value) return undefined;
  const [point, nText] = value.split(':');
  const n = Number(nText ?? '1');
  if (!(CHECKPOINTS as readonly string[]).includes(point) || !Number.isInteger(n) || n < 1) {
    throw new Error(`DESKMETRICS_SYNC_FAIL_AT must be <checkpoint>:<n> with a checkpoint of ${CHECKPOINTS.join(', ')} and n ≥ 1`);
  }
  let seen = 0;
  return (p) => {
    if (p === point && ++seen === n) process.kill(process.pid, 'SIGKILL');
  };
}
