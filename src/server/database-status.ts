import type { ApolloServerPlugin } from '@apollo/server';
import type { ApiContext } from '../api/context';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnreachable } from '../api/database-unavailable';
import { ErrorCode } from '../api/errors';
import type { AnswerDeadline } from '../db/unanswered-statement';
import type { Logger } from '../logging/logger';
import type { SqlExecutor } from '../db/sql-executor';

/**
 * Whether the database was reachable at the last statement, logged only when that changes: an outage is one error line
 * (and its end one info line), not a stack trace per request.
 */
export class DatabaseStatus {
  private reachable = true;

  constructor(private readonly logger: Logger) {}

  /**
   * How long a request's statement may go unanswered before its connection is given up: while the database answers,
   * its own statement timeout plus `graceMs` (none without one); once it is found unreachable, only `unreachableMs`,
   * so requests caught on a connection that stopped forwarding are answered with the others.
   */
  answerDeadline(statementTimeoutMs: number, graceMs: number, unreachableMs: number): AnswerDeadline {
    return () => (!this.reachable ? unreachableMs : statementTimeoutMs > 0 ? statementTimeoutMs + graceMs : undefined);
  }

  /** A statement succeeded. */
  up(): void {
    if (this.reachable) return;
    this.reachable = true;
    this.logger.info('database reachable again');
  }

  /** The database could not be reached. */
  down(error: unknown): void {
    if (!this.reachable) return;
    this.reachable = false;
    this.logger.error(
      { reason: error instanceof Error ? error.message : String(error) },
      'database unreachable: answering DATABASE_UNAVAILABLE until it is back',
    );
  }

  /** Runs one statement's promise, noting whether the database answered. */
  async watch<T>(statement: Promise<T>): Promise<T> {
    try {
      const result = await statement;
      this.up();
      return result;
    } catch (err) {
      if (isDatabaseUnreachable(err)) this.down(err);
      else this.up(); // The database answered, even if with an error.
      throw err;
    }
  }

  /** The executor with every statement watched. */
  watchExecutor(executor: SqlExecutor): SqlExecutor {
    const watched = (inner: Pick<SqlExecutor, 'query'>): Pick<SqlExecutor, 'query'> => ({
      query: (sql, params, options) => this.watch(inner.query(sql, params, options)),
    });
    return { query: watched(executor).query, transaction: (work) => this.watch(executor.transaction((tx) => work(watched(tx)))) };
  }
}

/** Answers HTTP 503 with Retry-After when any error of the response is DATABASE_UNAVAILABLE (see formatError). */
export function databaseUnavailablePlugin(): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          if (!response.body.singleResult.errors?.some((e) => e.extensions?.code === ErrorCode.DATABASE_UNAVAILABLE)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(DATABASE_RETRY_AFTER_SECONDS));
        },
      };
    },
  };
}

/** How a time-boxed check ended: `check` succeeded or failed within `ms`, or had not ended (its late outcome is ignored). */
export function withinTime(check: Promise<unknown>, ms: number): Promise<'ok' | 'failed' | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), ms);
    check.then(
      () => (clearTimeout(timer), resolve('ok')),
      () => (clearTimeout(timer), resolve('failed')),
    );
  });
}
