import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { SqlState, sqlState } from '../db/sql-state';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnreachable } from './database-unavailable';

/** Stable error codes clients can switch on (extensions.code). */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  INVALID_PERIOD = 'INVALID_PERIOD',
  PERIOD_TOO_LONG = 'PERIOD_TOO_LONG',
  TOO_MANY_BUCKETS = 'TOO_MANY_BUCKETS',
  UNKNOWN_TIMEZONE = 'UNKNOWN_TIMEZONE',
  DIMENSION_NOT_APPLICABLE = 'DIMENSION_NOT_APPLICABLE',
  NO_BUSINESS_CALENDAR = 'NO_BUSINESS_CALENDAR',
  NOT_FOUND = 'NOT_FOUND',
  FORBIDDEN = 'FORBIDDEN',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  /** Query limits (src/limits): the operation is refused before it runs. */
  QUERY_TOO_LARGE = 'QUERY_TOO_LARGE',
  /** The HTTP request body is larger than the server reads (HTTP 413). */
  REQUEST_TOO_LARGE = 'REQUEST_TOO_LARGE',
  TOO_MANY_TOKENS = 'TOO_MANY_TOKENS',
  QUERY_TOO_DEEP = 'QUERY_TOO_DEEP',
  TOO_MANY_ALIASES = 'TOO_MANY_ALIASES',
  TOO_MANY_DIRECTIVES = 'TOO_MANY_DIRECTIVES',
  QUERY_TOO_COSTLY = 'QUERY_TOO_COSTLY',
  RATE_LIMITED = 'RATE_LIMITED',
  /** The key already runs MAX_CONCURRENT_EXPENSIVE_PER_KEY operations estimated at EXPENSIVE_QUERY_COST or more (HTTP 429). */
  TOO_MANY_CONCURRENT = 'TOO_MANY_CONCURRENT',
  /** The database stopped a statement at DATABASE_STATEMENT_TIMEOUT_MS. */
  QUERY_TIMEOUT = 'QUERY_TIMEOUT',
  /** A statement was cancelled before it finished: the server is shutting down, or an operator stopped it. */
  QUERY_CANCELLED = 'QUERY_CANCELLED',
  /** The database cannot be reached (HTTP 503 with Retry-After). */
  DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE',
  INTERNAL_SERVER_ERROR = 'INTERNAL_SERVER_ERROR',
}

/** An error meant for the API caller: a code, a message, the argument it is about, and figures a client can act on. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly argument?: string,
    /** Extra `extensions` entries (numbers only, such as a rate-limited request's estimated cost). */
    readonly details?: Record<string, number>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const CLIENT_CODES = new Set<string>([
  ...Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR),
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/**
 * The one place errors become GraphQL errors: ApiErrors keep their code and argument; validation errors keep theirs;
 * anything else (a database error, a bug) becomes a generic internal error so no SQL or stack trace reaches the caller.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (original instanceof ApiError) {
    return {
      message: original.message,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: original.code, ...(original.argument ? { argument: original.argument } : {}), ...original.details },
    };
  }
  if (isDatabaseUnreachable(original)) {
    const unavailable = databaseUnavailableError();
    return { message: unavailable.message, locations: formatted.locations, path: formatted.path, extensions: { code: unavailable.code } };
  }
  // PostgreSQL gives one SQLSTATE for both; only its message tells a timeout from a cancellation (pg_cancel_backend).
  if (sqlState(original) === SqlState.QUERY_CANCELED && !/statement timeout/.test((original as Error).message)) {
    return {
      message: 'the server cancelled the query before it finished (it is shutting down, or an operator stopped it): send it again',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.QUERY_CANCELLED },
    };
  }
  if (sqlState(original) === SqlState.QUERY_CANCELED) {
    return {
      message:
        'the query took longer than the server allows (DATABASE_STATEMENT_TIMEOUT_MS) and was stopped: ask for a shorter period, ' +
        'a narrower filter or fewer percentiles (medians and p90 read every record), or ask the operator to raise the timeout',
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: ErrorCode.QUERY_TIMEOUT },
    };
  }
  const code = formatted.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code } };
  }
  // Argument coercion failures (a non-existent enum value, a malformed DateTime) arrive without an original ApiError.
  if (original instanceof GraphQLError && !original.originalError) {
    return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions: { code: ErrorCode.BAD_USER_INPUT } };
  }
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
  };
}

/** The answer to a request the database could not serve because it cannot be reached. */
export function databaseUnavailableError(): ApiError {
  return new ApiError(ErrorCode.DATABASE_UNAVAILABLE, `the database cannot be reached; retry in ${DATABASE_RETRY_AFTER_SECONDS} s`);
}
