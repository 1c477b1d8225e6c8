import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, ErrorCode } from '../api/errors';
import type { Logger } from '../logging/logger';
import type { Caller } from './caller';
import { withHttpStatus } from '../api/http-error';
import type { KeyStore } from './key-store';

/**
 * How the server decides who a request comes from. `api-keys` is the only mode `deskmetrics serve` uses; `fixed`
 * (everyone is one caller) exists for tests and embedding, is chosen in code, never by a header or an environment
 * variable, and createApiServer refuses it in production mode.
 */
export type AuthenticationMode = { kind: 'api-keys' } | { kind: 'fixed'; caller: Caller };

const CHALLENGE = { 'WWW-Authenticate': 'Bearer realm="deskmetrics"' };

/** The bearer token of an Authorization header; throws UNAUTHENTICATED when it is missing or of another scheme. */
export function bearerToken(headers: IncomingHttpHeaders): string {
  const header = headers.authorization;
  if (!header) throw new ApiError(ErrorCode.UNAUTHENTICATED, 'Authorization: send an API key as "Authorization: Bearer <key>"', 'Authorization');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new ApiError(ErrorCode.UNAUTHENTICATED, 'Authorization: expected "Bearer <key>"', 'Authorization');
  return match[1];
}

/** Builds the function that turns a request's headers into its caller, or a 401 error Apollo sends as is. */
export function createAuthenticator(mode: AuthenticationMode, keys: KeyStore, logger: Logger): (headers: IncomingHttpHeaders) => Promise<Caller> {
  if (mode.kind === 'fixed') return async () => mode.caller;
  return async (headers) => {
    let caller: Caller;
    try {
      caller = await keys.authenticate(bearerToken(headers));
    } catch (err) {
      if (err instanceof ApiError) throw withHttpStatus(err, 401, CHALLENGE);
      throw err;
    }
    // Bookkeeping must not slow down or fail the request.
    keys.markUsed(caller.keyId!).catch((err: unknown) => logger.warn({ err, key: caller.name }, 'could not record API key use'));
    return caller;
  };
}
