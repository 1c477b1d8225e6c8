import { ApiError, ErrorCode } from '../api/errors';
import { withHttpStatus } from '../api/http-error';
import type { BucketStore } from './bucket-store';
import type { BucketState } from './token-bucket';

/** The rate-limit headers of a response (IETF draft "RateLimit header fields for HTTP"; costs, not request counts). */
export function rateLimitHeaders(state: BucketState, perSecond: number): Record<string, string> {
  return {
    'RateLimit-Limit': String(state.limit),
    'RateLimit-Remaining': String(state.remaining),
    'RateLimit-Reset': String(state.resetSeconds),
    'RateLimit-Policy': `${state.limit};w=${Math.ceil(state.limit / perSecond)}`,
  };
}

/**
 * Spends `cost` from the client's bucket, or throws RATE_LIMITED (HTTP 429 with Retry-After) and spends nothing. The
 * error gives the operation's estimated cost (`estimate`: the whole estimate when `cost` is the rest of it; absent for
 * the arrival charge, made before any estimate), what is left and when to retry, in its message and its extensions.
 */
export async function spend(buckets: BucketStore, client: string, cost: number, estimate?: number): Promise<void> {
  if (cost <= 0) return;
  const charge = await buckets.take(client, cost);
  if (charge.allowed) return;
  const { remaining, limit } = charge.state;
  const retryAfterSeconds = charge.retryAfterSeconds;
  const error = new ApiError(
    ErrorCode.RATE_LIMITED,
    estimate === undefined
      ? `rate limit: this request costs ${cost} and ${remaining} of ${limit} is left; retry in ${retryAfterSeconds} s`
      : `rate limit: this request's estimated cost is ${estimate} and ${remaining} of ${limit} is left; retry in ${retryAfterSeconds} s`,
    undefined,
    { ...(estimate === undefined ? {} : { costEstimate: estimate }), remaining, limit, retryAfterSeconds },
  );
  throw withHttpStatus(error, 429, { ...rateLimitHeaders(charge.state, buckets.perSecond), 'Retry-After': String(retryAfterSeconds) });
}
