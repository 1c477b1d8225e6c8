import type { ApolloServerPlugin } from '@apollo/server';
import { getVariableValues, type DocumentNode } from 'graphql';
import type { ApiContext } from '../api/context';
import { ApiError, ErrorCode } from '../api/errors';
import { executedOperationDocument } from '../api/executed-operation';
import { withHttpStatus } from '../api/http-error';
import type { Config } from '../config/config';
import { CostCache } from './cost-cache';
import type { ExpensiveOperations } from './expensive-operations';
import { checkNulCharacters } from './nul-characters';
import { rateLimitHeaders, spend } from './rate-limit';
import type { BucketStore } from './bucket-store';

/**
 * The estimated cost of an operation for a caller of this scope (the server passes metrics/query-cost.ts's estimateCost:
 * limits/ knows no metric); throws a GraphQLError for variables that do not fit their types.
 */
export type CostEstimate = (
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  scope: NonNullable<ApiContext['caller']>['scope'],
) => number;

/** What a request was already charged on arrival (admitRequest), so an empty bucket refuses it before parsing. */
export const ARRIVAL_COST = 1;

/** Charges the arrival cost; throws RATE_LIMITED when the client's bucket is empty. */
export function admitRequest(buckets: BucketStore, client: string): Promise<void> {
  return spend(buckets, client, ARRIVAL_COST);
}

/**
 * Once an operation is parsed and valid: refuses NUL characters in its arguments, estimates its cost, refuses it above
 * MAX_QUERY_COST, counts it against the client's cap on concurrent expensive operations (TOO_MANY_CONCURRENT) until its
 * response is sent, and spends the rest of its cost from the client's bucket (RATE_LIMITED when it cannot); every
 * response then carries the RateLimit-* headers.
 */
export function limitsPlugin(
  estimateCost: CostEstimate,
  config: Pick<Config, 'MAX_QUERY_COST'>,
  buckets: BucketStore,
  expensive: ExpensiveOperations,
): ApolloServerPlugin<ApiContext> {
  // The estimate depends on the document, operation, variables and the caller's scope (the estimator's schema and settings are fixed).
  const costs = new CostCache();
  return {
    async requestDidStart() {
      // Ends this request's count among its client's expensive operations; Apollo calls willSendResponse on every outcome.
      let endExpensive: (() => void) | null = null;
      return {
        async didResolveOperation({ document, operation, request, operationName, contextValue, schema }) {
          const variables = request.variables ?? {};
          checkNulCharacters(operation ? executedOperationDocument(document, operation) : document, variables);
          // The cost estimate coerces the variables before Apollo does; a variable of the wrong type is the client's
          // mistake (400 with graphql's own reason), not a server failure.
          if (operation) {
            const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
            if (coerced.errors) {
              const name = /Variable "\$([_A-Za-z][_0-9A-Za-z]*)"/.exec(coerced.errors[0].message)?.[1];
              throw withHttpStatus(new ApiError(ErrorCode.BAD_USER_INPUT, coerced.errors[0].message, name ? `variables.${name}` : 'variables'), 400);
            }
          }
          const scope = contextValue.caller?.scope ?? null;
          const cost = costs.costOf(
            document,
            operationName ?? undefined,
            variables,
            () => estimateCost(document, operationName ?? undefined, variables, scope),
            scope ? JSON.stringify(scope) : '',
          );
          if (contextValue.request) contextValue.request.cost = cost;
          if (cost > config.MAX_QUERY_COST) {
            throw withHttpStatus(
              new ApiError(
                ErrorCode.QUERY_TOO_COSTLY,
                `query: estimated cost ${cost} exceeds the maximum of ${config.MAX_QUERY_COST} (MAX_QUERY_COST); ask for fewer fields, shorter periods or coarser series, or leave out business hours and team or agent filters (they read the raw tables)`,
                'query',
                { costEstimate: cost, limit: config.MAX_QUERY_COST },
              ),
              400,
            );
          }
          if (!contextValue.request) return;
          // Counted before spending, so an operation refused for concurrency spends nothing from the bucket.
          endExpensive = expensive.admit(contextValue.request.clientKey, cost);
          await spend(buckets, contextValue.request.clientKey, cost - ARRIVAL_COST, cost);
        },
        async willSendResponse({ response, contextValue }) {
          endExpensive?.();
          if (!contextValue.request) return;
          const headers = rateLimitHeaders(await buckets.peek(contextValue.request.clientKey), buckets.perSecond);
          for (const [name, value] of Object.entries(headers)) response.http.headers.set(name.toLowerCase(), value);
        },
      };
    },
  };
}
