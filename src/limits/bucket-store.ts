import { TokenBuckets, type BucketState, type Charge } from './token-bucket';

/**
 * Where the token buckets are kept: in this process (inProcessBuckets), or in Redis, shared by every server process
 * (redis-buckets.ts). Same semantics either way: `take` spends `cost` when the bucket holds that much, else nothing.
 */
export interface BucketStore {
  /** Bucket size. */
  readonly capacity: number;
  /** Units refilled per second. */
  readonly perSecond: number;
  /** Spends `cost` from the client's bucket when it holds that much; otherwise spends nothing. */
  take(client: string, cost: number): Promise<Charge>;
  /** Seconds until the client's bucket holds `cost` (0 when it does now), without spending anything. */
  waitSeconds(client: string, cost: number): Promise<number>;
  /** The client's standing without spending anything. */
  peek(client: string): Promise<BucketState>;
}

/** Buckets kept in this process's memory (the only store without REDIS_URL, and the fallback while Redis is down). */
export function inProcessBuckets(buckets: TokenBuckets): BucketStore {
  return {
    capacity: buckets.capacity,
    perSecond: buckets.perSecond,
    take: async (client, cost) => buckets.take(client, cost),
    waitSeconds: async (client, cost) => buckets.waitSeconds(client, cost),
    peek: async (client) => buckets.peek(client),
  };
}
