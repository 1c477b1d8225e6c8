import type { PoolClient } from 'pg';

/**
 * How long a statement may go unanswered before its connection is given up, in milliseconds (undefined: as long as it
 * takes). Asked again while the statement runs, so a deadline can shorten when the database is found unreachable.
 */
export type AnswerDeadline = () => number | undefined;

/** A statement the database did not answer in time; its connection was closed. Reads as a network timeout. */
export class UnansweredStatementError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(ms: number) {
    super(`the database did not answer within ${ms} ms; its connection was closed`);
  }
}

// How often a running statement's deadline is looked at.
const TICK_MS = 250;

/**
 * Runs `statement` on `client`, closing the connection when no answer comes within `deadline()`. PostgreSQL's own
 * statement_timeout cannot help when the network between it and us has stopped forwarding: its answer never arrives,
 * and neither does an error. Closing the socket fails the statement at once, and pg-pool drops the connection.
 */
export function answeredWithin<T>(client: PoolClient, statement: Promise<T>, deadline: AnswerDeadline): Promise<T> {
  const started = performance.now();
  return new Promise<T>((resolve, reject) => {
    const timer = setInterval(() => {
      const ms = deadline();
      if (ms === undefined || performance.now() - started < ms) return;
      clearInterval(timer);
      // pg reports the closed socket as an 'error' event too; a checked-out client has no listener for it, and an
      // unheard 'error' would end the process.
      client.on('error', () => undefined);
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
      reject(new UnansweredStatementError(ms));
    }, TICK_MS);
    timer.unref();
    statement.then(
      (value) => (clearInterval(timer), resolve(value)),
      (err: unknown) => (clearInterval(timer), reject(err)),
    );
  });
}
