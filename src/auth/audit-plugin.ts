import { createHash } from 'node:crypto';
import type { ApolloServerPlugin } from '@apollo/server';
import { stripIgnoredCharacters } from 'graphql';
import type { ApiContext } from '../api/context';
import type { Config } from '../config/config';
import type { AuditLog } from './audit-log';
import type { Caller } from './caller';

const MAX_QUERY_CHARS = 10_000;
const MAX_VARIABLES_CHARS = 10_000;
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

/** The query as recorded: without comments and insignificant whitespace (kept raw if it does not parse), truncated. */
function normalisedQuery(source: string): string {
  let text = source;
  try {
    text = stripIgnoredCharacters(source);
  } catch {
    // A query that does not parse is recorded as sent; its error code says why it failed.
  }
  return text.length > MAX_QUERY_CHARS ? `${text.slice(0, MAX_QUERY_CHARS)}…` : text;
}

/** Records every audited request once its response is ready (the write itself is batched by AuditLog). */
export function auditPlugin(audit: AuditLog, setting: Config['AUDIT_LOG']): ApolloServerPlugin<ApiContext> {
  return {
    async requestDidStart({ contextValue }) {
      if (!isAudited(setting, contextValue.caller)) return;
      return {
        async willSendResponse({ request, response, operationName, contextValue: ctx }) {
          const source = request.query ?? '';
          const errors = response.body.kind === 'single' ? (response.body.singleResult.errors ?? []) : [];
          const variables = request.variables ? redactVariables(request.variables) : null;
          const variablesText = JSON.stringify(variables);
          audit.record({
            at: new Date(ctx.request?.startedAt ?? Date.now()),
            keyId: ctx.caller.keyId,
            keyName: ctx.caller.name,
            role: ctx.caller.role,
            operationName: operationName ?? request.operationName ?? null,
            queryHash: createHash('sha256').update(source).digest('hex'),
            query: normalisedQuery(source),
            variables: variablesText && variablesText.length > MAX_VARIABLES_CHARS ? { truncated: true } : (variables as Record<string, unknown> | null),
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
