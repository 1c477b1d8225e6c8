import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { getOperationAST, print, stripIgnoredCharacters, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { ApiContext } from '../api/context';
import { executedOperationDocument } from '../api/executed-operation';
import type { Config } from '../config/config';
import type { AuditLog } from './audit-log';
import type { Caller } from './caller';

/** Variable names whose values are never written, whatever the operation (deskmetrics takes no secrets as input today). */
const SECRET_NAME = /secret|password|passwd|token|authorization|api_?key|credential/i;

/** Whether a caller's requests are audited under the AUDIT_LOG setting. */
export function isAudited(setting: Config['AUDIT_LOG'], caller: Caller): boolean {
  return setting === 'all' || (setting === 'partners' && caller.role === 'partner');
}

/** A copy of the variables with secret-looking entries (at any depth) replaced by "[redacted]". */
export function redactVariables(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactVariables);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, SECRET_NAME.test(k) ? '[redacted]' : redactVariables(v)]));
  }
  return value;
}

/**
 * What ran, as recorded: the executed operation with the fragments it uses, without comments and insignificant
 * whitespace, and only the variables it declares (graphql ignores the others), so nothing sent beside the operation
 * (a decoy operation, a huge unused variable) can crowd it out. A document that does not parse or names no operation
 * ran nothing and is recorded as sent, without variables. Nothing is truncated: MAX_QUERY_CHARACTERS and the 1 MB body
 * limit bound both.
 */
function whatRan(
  source: string,
  document: DocumentNode | undefined,
  resolved: OperationDefinitionNode | undefined,
  operationName: string | undefined,
  sent: Record<string, unknown> | undefined,
): { query: string; variables: Record<string, unknown> | null } {
  const operation = resolved ?? (document ? getOperationAST(document, operationName) : null);
  if (!document || !operation) return { query: source, variables: null };
  const query = stripIgnoredCharacters(print(executedOperationDocument(document, operation)));
  const declared = (operation.variableDefinitions ?? []).map((d) => d.variable.name.value);
  if (!declared.length) return { query, variables: null };
  const used = Object.fromEntries(declared.filter((name) => sent && name in sent).map((name) => [name, sent![name]]));
  return { query, variables: redactVariables(used) as Record<string, unknown> };
}

/** Records every audited request once its response is ready (the write itself is batched by AuditLog). */
export function auditPlugin(audit: AuditLog, setting: Config['AUDIT_LOG']): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (!isAudited(setting, contextValue.caller)) return;
      return {
        async willSendResponse({ request, response, source, document, operation, operationName, contextValue: ctx }) {
          // `source` is the text Apollo ran, also for a persisted-query replay that sends only its hash.
          const ran = whatRan(source ?? request.query ?? '', document, operation, request.operationName, request.variables);
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          audit.record({
            at: new Date(ctx.request?.startedAt ?? Date.now()),
            keyId: ctx.caller.keyId,
            keyName: ctx.caller.name,
            role: ctx.caller.role,
            operationName: operationName ?? request.operationName ?? null,
            queryHash: createHash('sha256').update(ran.query).digest('hex'),
            query: ran.query,
            variables: ran.variables,
            durationMs: ctx.request ? Date.now() - ctx.request.startedAt : 0,
            status: errors.length ? 'error' : 'ok',
            errorCodes: [...new Set(errors.map((e) => String(e.extensions?.code ?? 'UNKNOWN')))],
            cost: ctx.request?.cost ?? null,
          });
        },
      };
    },
  };
}
