import type { DataSource } from 'typeorm';
import { PreparedStatements } from '../db/prepared-statements';
import { poolOf, RequestSnapshot } from '../db/request-snapshot';
import type { AnswerDeadline } from '../db/unanswered-statement';
import type { SqlExecutor, StatementOptions } from '../db/sql-executor';

/** Told of each statement before it runs (tests count statements, or act between two of them). */
export type StatementObserver = (sql: string) => void | Promise<void>;

/**
 * The SQL seam of one request: reads go to the request's snapshot (RequestSnapshot) unless the operation writes or
 * reads the server's own fresh writes (useDirect), in which case every statement goes straight to the pool.
 */
export class RequestSql implements SqlExecutor {
  private direct = false;

  constructor(
    private readonly snapshot: RequestSnapshot,
    private readonly pool: SqlExecutor,
    private readonly onStatement?: StatementObserver,
  ) {}

  /** Mutations, and queries that must see what the server has just written, do not read from a snapshot. */
  useDirect(): void {
    if (this.snapshot.started) throw new Error('useDirect: the request has already read from its snapshot');
    this.direct = true;
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[], options?: StatementOptions): Promise<T[]> {
    await this.onStatement?.(sql);
    return this.direct ? this.pool.query<T>(sql, params) : this.snapshot.query<T>(sql, params, options);
  }

  transaction<T>(work: (tx: Pick<SqlExecutor, 'query'>) => Promise<T>): Promise<T> {
    return this.pool.transaction((tx) =>
      work({
        query: async <R = Record<string, unknown>>(sql: string, params: unknown[]) => {
          await this.onStatement?.(sql);
          return tx.query<R>(sql, params);
        },
      }),
    );
  }

  /** Ends the snapshot's transactions; called once the response is sent. */
  end(): Promise<void> {
    return this.snapshot.end();
  }
}

/** Makes each request's RequestSql over the DataSource's pool. */
export function requestSqlFactory(
  dataSource: DataSource,
  direct: SqlExecutor,
  embedded: boolean,
  options: { onStatement?: StatementObserver; deadline?: AnswerDeadline; preparedPerConnection?: number } = {},
): () => RequestSql {
  const pool = poolOf(dataSource);
  // A request takes at most half the pool, so others always find connections; the embedded database has only one.
  const perRequest = embedded ? 1 : Math.max(1, Math.floor((pool.options.max ?? 10) / 2));
  // The embedded database serves all connections from one session: its statements stay unnamed (PreparedStatements).
  const perConnection = options.preparedPerConnection ?? 0;
  const prepared = embedded || perConnection === 0 ? undefined : new PreparedStatements(perConnection);
  return () => new RequestSql(new RequestSnapshot(pool, perRequest, !embedded, options.deadline, prepared), direct, options.onStatement);
}
