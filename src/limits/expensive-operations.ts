import { ApiError, ErrorCode } from '../api/errors';
import { withHttpStatus } from '../api/http-error';

/** What a refused client is told to wait: an expensive operation of another request of its key may end any moment. */
const RETRY_AFTER_SECONDS = 1;

/**
 * Caps the operations estimated at `threshold` or more that one client (API key) runs at once. The token bucket
 * limits what a key spends over time, not what it spends at the same moment: a burst of costly operations sent
 * together would all be admitted from a full bucket and hold the database together. In-process, like the buckets:
 * N instances admit up to N times the cap (docs/security.md).
 */
export class ExpensiveOperations {
  private readonly running = new Map<string, number>();

  constructor(
    readonly threshold: number,
    readonly maxPerClient: number,
  ) {}

  /**
   * Admits an operation of this estimated cost: null when it is below the threshold (not counted), else the function
   * that ends it (calling it again does nothing). Throws TOO_MANY_CONCURRENT (HTTP 429) when the client is at the cap.
   */
  admit(client: string, cost: number): (() => void) | null {
    if (cost < this.threshold) return null;
    const running = this.running.get(client) ?? 0;
    if (running >= this.maxPerClient) {
      const error = new ApiError(
        ErrorCode.TOO_MANY_CONCURRENT,
        `concurrency limit: this request's estimated cost is ${cost}, at least EXPENSIVE_QUERY_COST=${this.threshold}, and this key ` +
          `already runs ${running} such operations (MAX_CONCURRENT_EXPENSIVE_PER_KEY=${this.maxPerClient}); retry when one has finished`,
        undefined,
        { costEstimate: cost, running, limit: this.maxPerClient, retryAfterSeconds: RETRY_AFTER_SECONDS },
      );
      throw withHttpStatus(error, 429, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
    }
    this.running.set(client, running + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.running.get(client) ?? 1) - 1;
      if (left > 0) this.running.set(client, left);
      else this.running.delete(client);
    };
  }

  /** How many counted operations the client runs now. */
  runningFor(client: string): number {
    return this.running.get(client) ?? 0;
  }
}
