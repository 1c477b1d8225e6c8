import { isDatabaseUnreachable } from '../api/database-unavailable';
import { sqlState } from '../db/sql-state';
import type { Logger } from '../logging/logger';
import type { SqlExecutor } from '../db/sql-executor';

/** One request to record (see AuditEntry for the meaning of each field). */
export interface AuditRecord {
  at: Date;
  keyId: string | null;
  keyName: string;
  role: string;
  operationName: string | null;
  queryHash: string;
  query: string;
  variables: Record<string, unknown> | null;
  durationMs: number;
  status: 'ok' | 'error';
  errorCodes: string[];
  cost: number | null;
}

/** How the writer batches: requests are answered first, their entries written together shortly after. */
export interface AuditLogOptions {
  flushIntervalMs: number;
  batchSize: number;
  /** Entries held while the database is unreachable; beyond, the oldest are dropped (with a warning). */
  maxPending: number;
}

const DEFAULTS: AuditLogOptions = { flushIntervalMs: 1000, batchSize: 200, maxPending: 20_000 };

/**
 * The audit log writer: record() is synchronous and cheap (it queues), and queued entries are inserted in one statement
 * per batch, at most flushIntervalMs later, so auditing adds no database round trip to a request.
 */
export class AuditLog {
  private pending: AuditRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly options: AuditLogOptions;

  constructor(
    private readonly sql: Pick<SqlExecutor, 'query'>,
    private readonly logger: Logger,
    options: Partial<AuditLogOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Queues an entry for the next batch. */
  record(entry: AuditRecord): void {
    this.pending.push(entry);
    this.dropOldest();
    if (this.pending.length >= this.options.batchSize) void this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  /** Writes every queued entry; resolves when they (and any write already under way) are in the database or logged as failed. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.writing = this.writing.then(() => (batch.length ? this.write(batch) : undefined));
    return this.writing;
  }

  private async write(batch: AuditRecord[]): Promise<void> {
    try {
      await this.insert(batch);
    } catch (err) {
      // The database refused the statement for what one entry holds: write the entries one by one, so one bad entry
      // loses only itself. (Any other failure, such as an unreachable database, would fail each of them alike.)
      if (batch.length > 1 && databaseRefused(err)) {
        for (const entry of batch) await this.insert([entry]).catch((e: unknown) => this.failed(e, [entry]));
      } else if (isDatabaseUnreachable(err)) this.retryLater(batch);
      else this.failed(err, batch);
    }
  }

  /** Puts a batch back before the entries queued since, to be written once the database is back (the outage is logged by the server). */
  private retryLater(batch: AuditRecord[]): void {
    this.pending = [...batch, ...this.pending];
    this.dropOldest();
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.options.flushIntervalMs);
      this.timer.unref();
    }
  }

  private dropOldest(): void {
    if (this.pending.length <= this.options.maxPending) return;
    const dropped = this.pending.splice(0, this.pending.length - this.options.maxPending);
    this.logger.warn({ dropped: dropped.length }, 'audit log: database not keeping up; oldest entries dropped');
  }

  private failed(err: unknown, entries: AuditRecord[]): void {
    this.logger.error({ err, entries: entries.length, keys: [...new Set(entries.map((e) => e.keyName))] }, 'audit log: could not write entries');
  }

  private async insert(batch: AuditRecord[]): Promise<void> {
    const rows = batch.map((e) => ({
      at: e.at.toISOString(),
      key_id: e.keyId,
      key_name: e.keyName,
      role: e.role,
      operation_name: e.operationName,
      query_hash: e.queryHash,
      query: e.query,
      variables: e.variables,
      duration_ms: Math.round(e.durationMs),
      status: e.status,
      error_codes: e.errorCodes,
      cost: e.cost === null ? null : Math.round(e.cost),
    }));
    await this.sql.query(
      `INSERT INTO audit_log (at, key_id, key_name, role, operation_name, query_hash, query, variables, duration_ms, status, error_codes, cost)
       SELECT at, key_id, key_name, role, operation_name, query_hash, query, variables, duration_ms, status, error_codes, cost
       FROM jsonb_to_recordset($1::jsonb) AS x(at timestamptz, key_id bigint, key_name text, role text, operation_name text, query_hash text,
            query text, variables jsonb, duration_ms integer, status text, error_codes text[], cost integer)`,
      [JSON.stringify(storable(rows))],
    );
  }
}

/** True when the database answered with an error about the statement (a SQLSTATE outside connection exceptions). */
function databaseRefused(err: unknown): boolean {
  const state = sqlState(err);
  return !!state && /^[0-9A-Z]{5}$/.test(state) && !state.startsWith('08');
}

/** Lone UTF-16 surrogates, which JSON writes as escapes PostgreSQL's jsonb refuses. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A copy whose strings (object keys too) PostgreSQL can store: NUL, which no text or jsonb value may hold, and lone
 * surrogates become U+FFFD. Whatever a caller sends, its entry (and the batch it is in) is written.
 */
export function storable(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\0/g, '\ufffd').replace(LONE_SURROGATE, '\ufffd');
  if (Array.isArray(value)) return value.map(storable);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)]));
  return value;
}
