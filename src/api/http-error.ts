import { HeaderMap } from '@apollo/server';
import { GraphQLError, type GraphQLErrorExtensions } from 'graphql';
import type { ApiError } from './errors';

/**
 * Wraps an ApiError for Apollo with an HTTP status and headers (401, 429, …). Apollo takes extensions.http for the
 * response and removes it; formatError then sees the ApiError as originalError and keeps its code and argument.
 */
export function withHttpStatus(error: ApiError, status: number, headers: Record<string, string> = {}): GraphQLError {
  return new GraphQLError(error.message, {
    originalError: error,
    // Apollo iterates http.headers as a HeaderMap (a plain object would be ignored), whatever the typings say.
    extensions: { code: error.code, http: { status, headers: new HeaderMap(Object.entries(headers)) } } as unknown as GraphQLErrorExtensions,
  });
}
