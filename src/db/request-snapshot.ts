import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { isStalePlanError, type PreparedStatements } from './prepared-statements';
import type { StatementOptions } from './sql-executor';
import { answeredWithin, type AnswerDeadline } from './unanswered-statement';

/**
 * One request, one version of the data. The statements of a request (a dashboard's fact statements, its comparisons and
 * targets) run on pool connections of their own; without a shared snapshot, an import committing between two of them
 * mixes old ticket numbers with new survey numbers in one answer. A RequestSnapshot opens a read-only REPEATABLE READ
 * transaction on its first statement and exports its snapshot, so further connections, taken only when the pool has
 * one free at once, import the same snapshot and still run concurrently. end() commits and releases them all.
 */

/** Runs one parameterised statement (the shape of the metric layer's SqlExecutor.query). */
export type QueryFn = <T = Record<string, unknown>>(sql: string, params: unknown[], options?: StatementOptions) => Promise<T[]>;

interface Connection {
  client: PoolClient;
  busy: boolean;
  /** The connection whose transaction exported the snapshot: others can import it only while it lives. */
  exporter: boolean;
}

/** The pg pool behind a TypeORM DataSource (the seam the snapshot shares with every other statement). */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}

const BEGIN = 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY';

// How long a request waits for the pool to give it one more connection before it runs on the ones it has.
const JOIN_WAIT_MS = 5;

export class RequestSnapshot {
  private readonly connections: Connection[] = [];
  private readonly waiting: (() => void)[] = [];
  private snapshotId: string | null = null;
  private opening: Promise<Connection> | null = null;
  /** Connections being added to the snapshot (counted against maxConnections before they exist). */
  private joining = 0;
  private ended = false;

  /**
   * @param pool the database pool
   * @param maxConnections how many connections one request may hold (1 on the embedded database, which has only one)
   * @param exportable whether the database can export a snapshot to other sessions (PostgreSQL; not PGlite)
   * @param prepared when given, statements whose plan may be reused run as named statements of their connection
   */
  constructor(
    private readonly pool: Pool,
    private readonly maxConnections: number,
    private readonly exportable: boolean,
    private readonly deadline?: AnswerDeadline,
    private readonly prepared?: PreparedStatements,
  ) {}

  /** One statement on one of the request's connections, given up when the database does not answer in time. */
  private run<R extends QueryResultRow = Record<string, unknown>>(
    client: PoolClient,
    sql: string,
    params?: unknown[],
    named = false,
  ): Promise<QueryResult<R>> {
    const statement = named && this.prepared ? client.query<R>(this.prepared.statement(client, sql, params ?? [])) : client.query<R>(sql, params);
    return this.deadline ? answeredWithin(client, statement, this.deadline) : statement;
  }

  /** Hands a connection back to the pool, or closes it when it holds as many prepared statements as it may. */
  private release(client: PoolClient, err?: Error): void {
    client.release(err ?? (this.prepared?.isFull(client) ? true : undefined));
  }

  /** Whether any statement ran (and so a transaction is open until end()). */
  get started(): boolean {
    return this.connections.length > 0 || this.opening !== null;
  }

  readonly query: QueryFn = async <T>(sql: string, params: unknown[], options?: StatementOptions): Promise<T[]> => {
    if (this.ended) throw new Error('the request has ended: no more statements on its snapshot');
    const connection = await this.acquire();
    try {
      const result = await this.run(connection.client, sql, params, options?.reusePlan);
      return result.rows as T[];
    } catch (err) {
      // A failed statement aborts its transaction: that connection is of no further use to the request.
      this.discard(connection, isStalePlanError(err) ? (err as Error) : undefined);
      throw err;
    } finally {
      if (this.connections.includes(connection)) this.handBack(connection);
    }
  };

  /** Commits (nothing was written: it only ends the transactions) and releases every connection of the request. */
  async end(): Promise<void> {
    this.ended = true;
    await this.opening?.catch(() => undefined);
    const open = this.connections.splice(0);
    await Promise.all(
      open.map(async ({ client }) => {
        try {
          await this.run(client, 'COMMIT');
          this.release(client);
        } catch (err) {
          this.release(client, err as Error);
        }
      }),
    );
  }

  private async acquire(): Promise<Connection> {
    let triedJoining = false;
    for (;;) {
      const idle = this.connections.find((c) => !c.busy);
      if (idle) {
        idle.busy = true;
        return idle;
      }
      if (this.opening) {
        await this.opening.catch(() => undefined);
        continue;
      }
      if (this.connections.length === 0) return this.open(true);
      if (!triedJoining && this.exportable && this.snapshotId && this.connections.length + this.joining < this.maxConnections && this.poolHasRoom()) {
        triedJoining = true;
        const joined = await this.join();
        if (joined) return joined;
        // One of the request's connections may have come free meanwhile: look again before waiting.
        continue;
      }
      // Otherwise wait for one of the request's own connections.
      await new Promise<void>((wake) => this.waiting.push(wake));
    }
  }

  private poolHasRoom(): boolean {
    return this.pool.idleCount > 0 || this.pool.totalCount < (this.pool.options.max ?? 10);
  }

  /**
   * Another connection on the request's snapshot, if the pool gives one at once. A request never waits for the pool
   * while it holds a connection: requests each holding one and waiting for a second could wait for each other forever.
   */
  private async join(): Promise<Connection | null> {
    this.joining++;
    try {
      const connecting = this.pool.connect();
      const client = await Promise.race([connecting, new Promise<null>((r) => setTimeout(() => r(null), JOIN_WAIT_MS))]);
      if (!client) {
        void connecting.then((c) => c.release()).catch(() => undefined);
        return null;
      }
      return await this.begin(client, false);
    } catch {
      return null;
    } finally {
      this.joining--;
    }
  }

  private async open(first: boolean): Promise<Connection> {
    const opening = this.pool.connect().then((client) => this.begin(client, first));
    if (first) this.opening = opening;
    try {
      return await opening;
    } finally {
      if (first) this.opening = null;
    }
  }

  /** Starts the snapshot transaction on a new connection: the first exports its snapshot, the others import it. */
  private async begin(client: PoolClient, first: boolean): Promise<Connection> {
    try {
      // Each pair of statements is sent at once (one round trip): the request's first statement waits for it.
      if (first && this.exportable) {
        const results = (await this.run(client, `${BEGIN}; SELECT pg_export_snapshot() AS id`)) as unknown as QueryResult<{ id: string }>[];
        this.snapshotId = results[1].rows[0].id;
      } else if (!first) {
        if (!this.snapshotId) throw new Error('the snapshot is no longer exported');
        // The id was made by pg_export_snapshot, not by a caller; SET TRANSACTION SNAPSHOT takes no parameter.
        await this.run(client, `${BEGIN}; SET TRANSACTION SNAPSHOT '${this.snapshotId.replace(/'/g, "''")}'`);
      } else {
        await this.run(client, BEGIN);
      }
      if (this.ended) throw new Error('the request has ended');
    } catch (err) {
      // A connection that failed to roll back (closed, or unanswered) is dropped, not handed to the next request.
      const rolledBack = await this.run(client, 'ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(rolledBack ? undefined : (err as Error));
      throw err;
    }
    const connection = { client, busy: true, exporter: first && this.exportable };
    this.connections.push(connection);
    return connection;
  }

  private handBack(connection: Connection): void {
    connection.busy = false;
    this.waiting.shift()?.();
  }

  /** @param close an error for which the connection is closed even if it rolls back */
  private discard(connection: Connection, close?: Error): void {
    const at = this.connections.indexOf(connection);
    // end() has already taken it (the response went out while this statement ran): end() releases it.
    if (at < 0) return;
    this.connections.splice(at, 1);
    void this.run(connection.client, 'ROLLBACK')
      .then(() => this.release(connection.client, close))
      .catch((err: Error) => this.release(connection.client, err));
    // The request goes on with the connections it has; when none is left, its next statement starts a new snapshot
    // (the request has already failed in part by then).
    if (connection.exporter) this.snapshotId = null;
    for (const wake of this.waiting.splice(0)) wake();
  }
}
