import type { Client, Notification } from 'pg';
import type { DataSource } from 'typeorm';
import { ROLLUP_BUILDER_LOCK } from '../../db/advisory-locks';
import { openDedicatedSession } from '../../db/dedicated-session';
import { keepCancelling } from '../../db/data-source';
import { ROLLUPS_CURRENT_SQL } from './rollup-refresh';
import { rebuildPendingRollups } from './rollup-rebuild';

const CHANNEL = 'deskmetrics_rollups';

/** Whether a rollup builder (a `deskmetrics serve` on PostgreSQL) is running on this database's schema. */
export const ROLLUP_BUILDER_PRESENT_SQL = `SELECT EXISTS (
  SELECT FROM pg_locks
  WHERE locktype = 'advisory' AND granted AND objsubid = 2
    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
    AND classid = ${ROLLUP_BUILDER_LOCK.classId} AND objid = ${ROLLUP_BUILDER_LOCK.key}::oid
) AS present`;

/** Tells the builders of this schema that rollups are marked for a rebuild; delivered when the transaction commits. */
export const NOTIFY_ROLLUP_BUILDER_SQL = `SELECT pg_notify('${CHANNEL}', current_schema())`;

export interface RollupBuilderOptions {
  /** Told when a rebuild (or a refresh of what was marked) finished, with its seconds. */
  onBuilt?: (seconds: number) => void;
  /** Told when a rebuild failed or the builder lost its session; it goes on (the marks stay for the next attempt). */
  onError?: (err: unknown, what: string) => void;
  /** How often the rollups are checked without a notification (a missed one, another process's deferred marks). */
  pollMs?: number;
  /** Cancels this process's running statements: how stop() ends a rebuild in progress. */
  cancelStatements?: () => Promise<unknown>;
}

const DEFAULT_POLL_MS = 60_000;
const RECONNECT_MS = 5_000;

/**
 * Builds the rollups in a server, in the background: those marked when it starts, and those an import leaves to it
 * after its commit (NOTIFY_ROLLUP_BUILDER_SQL) instead of keeping its user waiting for them. Metrics read the raw
 * tables until the rollups are current (ROLLUPS_CURRENT_SQL), so answers stay exact meanwhile. PostgreSQL only: on the
 * embedded database an import rebuilds the rollups in its own transaction.
 */
export class RollupBuilder {
  private session: Client | undefined;
  /** The schema this builder serves: notifications name theirs. */
  private schema: string | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private poll: NodeJS.Timeout | undefined;
  private reconnect: NodeJS.Timeout | undefined;

  private constructor(
    private readonly dataSource: DataSource,
    private readonly options: RollupBuilderOptions,
  ) {}

  /** Starts listening, then builds what is marked. Resolves once imports can see it (ROLLUP_BUILDER_PRESENT_SQL). */
  static async start(dataSource: DataSource, options: RollupBuilderOptions = {}): Promise<RollupBuilder> {
    const builder = new RollupBuilder(dataSource, options);
    await builder.connect();
    builder.poll = setInterval(() => builder.request(), options.pollMs ?? DEFAULT_POLL_MS);
    builder.poll.unref();
    builder.request();
    return builder;
  }

  /** Whether a rebuild is in progress. */
  get building(): boolean {
    return this.running !== undefined;
  }

  private async connect(): Promise<void> {
    const session = await openDedicatedSession(this.dataSource);
    try {
      session.on('notification', (n: Notification) => {
        if (n.channel === CHANNEL && n.payload === this.schema) this.request();
      });
      session.on('error', (err) => this.lost(err));
      await session.query(`LISTEN ${CHANNEL}`);
      await session.query(`SELECT pg_advisory_lock_shared(${ROLLUP_BUILDER_LOCK.classId}, ${ROLLUP_BUILDER_LOCK.key})`);
      const [{ schema }] = (await session.query('SELECT current_schema() AS schema')).rows;
      this.schema = schema;
    } catch (err) {
      await session.end().catch(() => undefined);
      throw err;
    }
    this.session = session;
  }

  /** The session broke (PostgreSQL restarted, the connection was cut): imports build their own until it is back. */
  private lost(err: unknown): void {
    if (this.stopped || !this.session) return;
    this.options.onError?.(err, 'rollup builder lost its database session; reconnecting');
    const broken = this.session;
    this.session = undefined;
    void broken.end().catch(() => undefined);
    const retry = () => {
      this.reconnect = undefined;
      if (this.stopped) return;
      this.connect().then(
        () => this.request(),
        (e: unknown) => {
          this.options.onError?.(e, 'rollup builder could not reconnect; retrying');
          this.reconnect = setTimeout(retry, RECONNECT_MS);
          this.reconnect.unref();
        },
      );
    };
    this.reconnect = setTimeout(retry, RECONNECT_MS);
    this.reconnect.unref();
  }

  /** Checks the rollups (now, or after the rebuild in progress) and builds them when they are not current. */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.build().finally(() => {
      this.running = undefined;
    });
  }

  private async build(): Promise<void> {
    do {
      this.again = false;
      try {
        const [{ current }] = await this.dataSource.query(ROLLUPS_CURRENT_SQL);
        if (current) continue;
        const startedMs = performance.now();
        // Another process rebuilding, or an import in progress, keeps the marks: it builds them, or notifies again.
        const built = await rebuildPendingRollups(this.dataSource, { waitForOthers: false, signal: this.abort.signal });
        if (built) this.options.onBuilt?.((performance.now() - startedMs) / 1000);
      } catch (err) {
        if (!this.stopped) this.options.onError?.(err, 'rollup rebuild failed; the marks stay for the next attempt');
      }
    } while (this.again && !this.stopped);
  }

  /**
   * Stops listening and ends a rebuild in progress: no further part starts and the running ones are cancelled (each part
   * is a transaction of its own; the mark stays, and the next start rebuilds).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.poll);
    clearTimeout(this.reconnect);
    this.abort.abort();
    if (this.running) {
      const cancelStatements = this.options.cancelStatements;
      const stopCancelling = cancelStatements ? keepCancelling(cancelStatements) : () => undefined;
      try {
        await this.running;
      } finally {
        stopCancelling();
      }
    }
    await this.session?.end().catch(() => undefined);
    this.session = undefined;
  }
}
