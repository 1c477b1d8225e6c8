import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import type { ApiContext } from '../api/context';
import { ApiError, ErrorCode } from '../api/errors';
import { executedOperationDocument } from '../api/executed-operation';
import { withHttpStatus } from '../auth/http-error';
import type { Config } from '../config/config';
import { CostCache } from './cost-cache';
import { checkNulCharacters } from './nul-characters';
import { estimateCost } from './query-cost';
import { rateLimitHeaders, spend } from './rate-limit';
import type { BucketStore } from './bucket-store';

/** What a request was already charged on arrival (admitRequest), so an empty bucket refuses it before parsing. */
export const ARRIVAL_COST = 1;

/** Charges the arrival cost; throws RATE_LIMITED when the client's bucket is empty. */
export function admitRequest(buckets: BucketStore, client: string): Promise<void> {
  return spend(buckets, client, ARRIVAL_COST);
}

/**
 * Once an operation is parsed and valid: refuses NUL characters in its arguments, estimates its cost, refuses it above MAX_QUERY_COST, and spends the rest of its
 * cost from the client's bucket (RATE_LIMITED when it cannot); every response then carries the RateLimit-* headers.
 */
export function limitsPlugin(schema: GraphQLSchema, config: Pick<Config, 'MAX_QUERY_COST' | 'MAX_PERIOD_DAYS'>, buckets: BucketStore): ApolloServerPlugin<ApiContext> {
  // The estimate depends only on the document, operation and variables (schema and settings are fixed here).
  const costs = new CostCache();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operation, request, operationName, contextValue }) {
          const variables = request.variables ?? {};
          checkNulCharacters(operation ? executedOperationDocument(document, operation) : document, variables);
          const cost = costs.costOf(document, operationName ?? undefined, variables, () => estimateCost(schema, document, operationName ?? undefined, variables, config));
          if (contextValue.request) contextValue.request.cost = cost;
          if (cost > config.MAX_QUERY_COST) {
            throw withHttpStatus(
              new ApiError(
                ErrorCode.QUERY_TOO_COSTLY,
                `query: estimated cost ${cost} exceeds the maximum of ${config.MAX_QUERY_COST} (MAX_QUERY_COST); ask for fewer fields, shorter periods or coarser series`,
                'query',
              ),
              400,
            );
          }
          if (contextValue.request) await spend(buckets, contextValue.request.clientKey, cost - ARRIVAL_COST);
        },
        async willSendResponse({ response, contextValue }) {
          if (!contextValue.request) return;
          const headers = rateLimitHeaders(await buckets.peek(contextValue.request.clientKey), buckets.perSecond);
          for (const [name, value] of Object.entries(headers)) response.http.headers.set(name.toLowerCase(), value);
        },
      };
    },
  };
}
