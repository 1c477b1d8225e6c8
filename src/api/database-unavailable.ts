import { sqlState } from '../db/sql-state';

/** Seconds a client is told to wait (Retry-After) when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** Network failures of the connection (Node's error codes). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/** SQLSTATEs of a server that is going away or not taking connections (class 08 is handled as a whole). */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What pg, pg-pool and TypeORM say when the connection is lost, cannot be made in time, or the pool is closed. */
const CONNECTION_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|connection error and is not queryable|Cannot use a pool after calling end|connection is not yet established|Client was closed and is not queryable/i;

/**
 * True when an error says the database could not be reached (refused, reset, timed out while connecting, shutting down),
 * as opposed to an error about a statement. Looks through TypeORM's driverError and an error's cause.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  for (let e = error as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown } | null, depth = 0; e && depth < 4; depth++) {
    if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
    const state = sqlState(e);
    if (state && (state.startsWith('08') || UNAVAILABLE_STATES.has(state))) return true;
    if (typeof e.message === 'string' && CONNECTION_MESSAGE.test(e.message)) return true;
    e = (e.driverError ?? e.cause ?? null) as typeof e;
  }
  return false;
}
