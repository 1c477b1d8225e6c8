import type { ErrorRequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, formatError } from '../api/errors';
import type { Logger } from '../logging/logger';

/** The largest request body read (express.json's limit); larger ones are refused with 413. */
export const MAX_BODY = '1mb';

/**
 * The last Express handler: errors raised outside Apollo (body-parser's malformed JSON or oversized body, a bug in a
 * route) are answered as GraphQL-shaped JSON without a stack, in every mode. Express's own handler would answer an HTML
 * page with the stack trace outside production, before the request is even authenticated.
 */
export function jsonErrorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, _req, res, next) => {
    if (res.headersSent) return next(err);
    const type = (err as { type?: unknown } | null)?.type;
    let status = 500;
    let code: string = ErrorCode.INTERNAL_SERVER_ERROR;
    let message = 'Internal server error';
    if (type === 'entity.too.large') {
      [status, code, message] = [413, ErrorCode.REQUEST_TOO_LARGE, `request body: larger than ${MAX_BODY}, the most the server reads`];
    } else if (type === 'entity.parse.failed') {
      [status, code, message] = [400, 'BAD_REQUEST', `request body: not valid JSON (${(err as Error).message})`];
    } else if (typeof type === 'string') {
      // Other body-parser refusals (an unsupported charset or encoding) are the client's and say so themselves.
      [status, code, message] = [(err as { status?: number }).status ?? 400, 'BAD_REQUEST', `request body: ${(err as Error).message}`];
    } else {
      logger.error({ err }, 'HTTP request failed');
    }
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}

/** The HTTP status and headers of an error raised while building the request's context (401, 429, 503 …). */
export function contextFailure(err: unknown): { status: number; headers: [string, string][]; error: GraphQLFormattedError } | undefined {
  if (!(err instanceof GraphQLError)) return undefined;
  const http = (err.extensions as { http?: { status?: number; headers?: Map<string, string> } }).http;
  return {
    status: http?.status ?? 400,
    headers: http?.headers ? [...http.headers.entries()] : [],
    error: formatError({ message: err.message, extensions: err.extensions }, err),
  };
}
