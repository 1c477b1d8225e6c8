/** A client's standing after a charge: what the RateLimit-* response headers report. */
export interface BucketState {
  /** Bucket size (RATE_LIMIT_BURST_COST). */
  limit: number;
  /** Cost that can be spent right now. */
  remaining: number;
  /** Seconds until the bucket is full again. */
  resetSeconds: number;
}

/** The outcome of a charge: allowed (and deducted), or refused with the seconds to wait for enough cost. */
export type Charge = { allowed: true; state: BucketState } | { allowed: false; state: BucketState; retryAfterSeconds: number };

/** Above this many clients, buckets that have refilled completely are forgotten (a full bucket is the default state). */
const SWEEP_ABOVE = 10_000;

/**
 * In-process token buckets, one per client: each holds up to `capacity` cost units and refills `perSecond` units a
 * second; a request spends its cost. Several server processes share theirs through Redis instead (bucket-store.ts).
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly capacity: number,
    readonly perSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Spends `cost` from the client's bucket when it holds that much; otherwise spends nothing. */
  take(client: string, cost: number): Charge {
    const bucket = this.refilled(client);
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return { allowed: true, state: this.state(bucket.tokens) };
    }
    return { allowed: false, state: this.state(bucket.tokens), retryAfterSeconds: this.secondsToRefill(cost - bucket.tokens) };
  }

  private secondsToRefill(missing: number): number {
    return secondsToRefill(missing, this.perSecond);
  }

  /** Seconds until the client's bucket holds `cost` (0 when it does now), without spending anything. */
  waitSeconds(client: string, cost: number): number {
    const tokens = this.refilled(client).tokens;
    return tokens >= cost ? 0 : this.secondsToRefill(cost - tokens);
  }

  /** The client's standing without spending anything. */
  peek(client: string): BucketState {
    return this.state(this.refilled(client).tokens);
  }

  private refilled(client: string): { tokens: number; at: number } {
    const now = this.now();
    let bucket = this.buckets.get(client);
    if (!bucket) {
      if (this.buckets.size >= SWEEP_ABOVE) this.sweep(now);
      bucket = { tokens: this.capacity, at: now };
      this.buckets.set(client, bucket);
    }
    bucket.tokens = Math.min(this.capacity, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    return bucket;
  }

  private sweep(now: number): void {
    for (const [client, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.perSecond >= this.capacity) this.buckets.delete(client);
    }
  }

  private state(tokens: number): BucketState {
    return bucketState(this.capacity, this.perSecond, tokens);
  }
}

/** The standing of a bucket of `capacity` refilled `perSecond` that holds `tokens`. */
export function bucketState(capacity: number, perSecond: number, tokens: number): BucketState {
  return { limit: capacity, remaining: Math.floor(tokens), resetSeconds: Math.ceil((capacity - tokens) / perSecond) };
}

/** Whole seconds (at least 1) until `missing` units have refilled. */
export function secondsToRefill(missing: number, perSecond: number): number {
  return Math.max(1, Math.ceil(missing / perSecond));
}
