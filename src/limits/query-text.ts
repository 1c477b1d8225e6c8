import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import { ApiError, ErrorCode } from '../api/errors';
import { withHttpStatus } from '../api/http-error';
import type { Config } from '../config/config';

/**
 * Refuses a GraphQL document that is too long (MAX_QUERY_CHARACTERS) or has too many tokens (MAX_QUERY_TOKENS) before
 * it is parsed, so a hostile document costs a length check and a bounded lexer pass, never a full parse. (graphql-armor's
 * own token limit throws from Apollo's parsing hook, which Apollo 5 answers as an internal error; this answers 400.)
 */
export function checkQueryText(query: unknown, config: Pick<Config, 'MAX_QUERY_CHARACTERS' | 'MAX_QUERY_TOKENS'>): void {
  if (typeof query !== 'string') return; // Apollo answers a missing or non-string query itself.
  if (query.length > config.MAX_QUERY_CHARACTERS) {
    throw withHttpStatus(
      new ApiError(
        ErrorCode.QUERY_TOO_LARGE,
        `query: ${query.length} characters; the maximum is ${config.MAX_QUERY_CHARACTERS} (MAX_QUERY_CHARACTERS)`,
        'query',
      ),
      413,
    );
  }
  const lexer = new Lexer(new Source(query));
  let tokens = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (++tokens > config.MAX_QUERY_TOKENS) {
        throw withHttpStatus(
          new ApiError(ErrorCode.TOO_MANY_TOKENS, `query: more than ${config.MAX_QUERY_TOKENS} tokens (MAX_QUERY_TOKENS)`, 'query'),
          400,
        );
      }
    }
  } catch (err) {
    // A syntax error is left to the parser, which reports it with its location.
    if (err instanceof GraphQLError && err.originalError instanceof ApiError) throw err;
  }
}
