import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import type { ApiContext } from '../api/context';

// Root query fields that read what this server has just written (auditLog flushes its pending entries first): a
// snapshot taken before that write would not show it, and on the embedded database it would hold the one connection.
const READS_OWN_WRITES = new Set(['auditLog']);

function readsOwnWrites(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && READS_OWN_WRITES.has(s.name.value));
}

/** Queries read one snapshot per request; mutations write directly. The snapshot ends with the response. */
export function snapshotPlugin(): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ contextValue, operation }) {
          if (!operation || operation.operation !== 'query' || readsOwnWrites(operation)) contextValue.requestSql?.useDirect();
        },
        async willSendResponse({ contextValue }) {
          await contextValue.requestSql?.end();
        },
      };
    },
  };
}
