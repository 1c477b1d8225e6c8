import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import { ApiError, ErrorCode } from '../api/errors';
import type { Config } from '../config/config';

/** Reports an armor rejection as an ApiError of our code, so formatError keeps the code through Apollo's ValidationError. */
function reportAs(code: ErrorCode, setting: string): (ctx: ValidationContext | null, error: GraphQLError) => void {
  return (ctx, error) => {
    const message = `${error.message.replace(/^Syntax Error: /, '').replace(/\.$/, '')} (${setting})`;
    ctx?.reportError(new GraphQLError(message, { originalError: new ApiError(code, message) }));
  };
}

/**
 * graphql-armor's validation rules for the shape of an operation: depth, aliases and directives, each refused with its
 * own error code. Armor's cost limit is off (cost is estimated per field, see metrics/query-cost.ts), and so are its field
 * suggestion masking (Apollo's hideSchemaDetailsFromClientErrors does that in production) and token limit (query-text.ts).
 */
export function queryShapeRules(config: Pick<Config, 'MAX_QUERY_DEPTH' | 'MAX_QUERY_ALIASES' | 'MAX_QUERY_DIRECTIVES'>) {
  const armor = new ApolloArmor({
    maxDepth: { n: config.MAX_QUERY_DEPTH, propagateOnRejection: false, onReject: [reportAs(ErrorCode.QUERY_TOO_DEEP, 'MAX_QUERY_DEPTH')] },
    maxAliases: { n: config.MAX_QUERY_ALIASES, propagateOnRejection: false, onReject: [reportAs(ErrorCode.TOO_MANY_ALIASES, 'MAX_QUERY_ALIASES')] },
    maxDirectives: {
      n: config.MAX_QUERY_DIRECTIVES,
      propagateOnRejection: false,
      onReject: [reportAs(ErrorCode.TOO_MANY_DIRECTIVES, 'MAX_QUERY_DIRECTIVES')],
    },
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: false },
    maxTokens: { enabled: false },
  });
  return armor.protect().validationRules;
}
