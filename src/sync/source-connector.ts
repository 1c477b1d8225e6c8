import type { DatasetFile, RawValue } from '../import/dataset-source';

/**
 * The seam between a help desk and the importer: a connector names its streams, fetches a stream's next page from
 * where its cursor stands, and maps the page to records of the data contract (docs/data-contract.md). Everything else —
 * validation, upserts, cursors, transactions, resumption — is the sync engine's (sync-engine.ts), so the next help desk
 * is one folder beside zendesk/.
 */

/** Where a stream stands: JSON the connector alone understands (a cursor string, a start time, a next-page URL). */
export type StreamCursor = Record<string, string | number | boolean | null>;

/** One contract record: field names of the contract (and `x_…` attributes) to values, as a JSON Lines record. */
export type ContractRecord = Record<string, RawValue>;

/** A page of a stream, mapped. */
export interface SyncPage {
  /** Records to upsert, per contract entity (each written through importDataset, as `deskmetrics import` does). */
  records: Partial<Record<DatasetFile, ContractRecord[]>>;
  /** Ticket ids the source deleted: they leave the database, with their messages and surveys. */
  deletedTickets?: string[];
  /** Source records read but not written, with why (e.g. a comment of a ticket the sync does not hold). */
  skipped?: { count: number; reason: string }[];
  /** Where the next page starts; stored in the same transaction as this page's records. */
  cursor: StreamCursor;
  /** The source time the stream has reached with this page, when known (status and lag). */
  cursorTime: Date | null;
  /** The stream has nothing more for now (end of stream): the run moves to the next stream. */
  done: boolean;
  /** Source records in the page (before mapping), for progress output. */
  read: number;
}

/** What a stream's mapping may ask of the database while it maps a page (reads only). */
export interface SyncContext {
  /** Runs a read-only query (lookups: which tickets, agents, customers exist). */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** The stored state of another stream of this source, e.g. how far tickets have got. */
  stateOf(stream: string): StreamState | undefined;
  /** Where a stream starts when it has no cursor yet (`--since`); undefined when not given. */
  since: Date | undefined;
}

/** A stream's row in sync_cursors. */
export interface StreamState {
  cursor: StreamCursor | null;
  cursorTime: Date | null;
}

/** One stream of a source: tickets, users, comments… */
export interface SyncStream {
  name: string;
  /** Fetches and maps the page after `cursor` (null: this stream was never synced). */
  nextPage(cursor: StreamCursor | null, context: SyncContext): Promise<SyncPage>;
}

/** A help desk the sync can read. */
export interface SourceConnector {
  /** The source's name in sync_cursors and import_runs, e.g. `zendesk`. */
  source: string;
  /** Loads what every stream's mapping needs and no stream stores (e.g. Zendesk's group names), once per run. */
  prepare?(context: SyncContext): Promise<void>;
  /** In the order they run: records a stream refers to come from earlier streams. */
  streams: SyncStream[];
}
