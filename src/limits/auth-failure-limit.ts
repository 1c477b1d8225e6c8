import { ApiError, ErrorCode } from '../api/errors';
import { withHttpStatus } from '../api/http-error';
import type { BucketStore } from './bucket-store';

/**
 * Failed authentications per client address, as token buckets of `perMinute` failures refilled at `perMinute` a minute.
 * An address whose bucket is empty is refused before its key is looked up, so guessing keys costs the server a Map
 * lookup (or one Redis round trip) instead of a database round trip; a successful authentication spends nothing.
 */
export class AuthFailureLimit {
  /** `buckets`: sized `perMinute`, refilled `perMinute / 60` a second (see authFailureBuckets). */
  constructor(
    private readonly perMinute: number,
    private readonly buckets: BucketStore,
  ) {}

  /** Authenticates through `authenticate` unless the address has no failures left (RATE_LIMITED, HTTP 429). */
  async guard<T>(address: string, authenticate: () => Promise<T>): Promise<T> {
    const wait = await this.buckets.waitSeconds(address, 1);
    if (wait > 0) {
      const error = new ApiError(
        ErrorCode.RATE_LIMITED,
        `rate limit: too many failed authentications from this address (AUTH_FAILURES_PER_MINUTE=${this.perMinute}); retry in ${wait} s`,
      );
      throw withHttpStatus(error, 429, { 'Retry-After': String(wait) });
    }
    try {
      return await authenticate();
    } catch (err) {
      if (isUnauthenticated(err)) await this.buckets.take(address, 1);
      throw err;
    }
  }
}

function isUnauthenticated(err: unknown): boolean {
  return (err as { extensions?: { code?: unknown } } | null)?.extensions?.code === ErrorCode.UNAUTHENTICATED;
}
