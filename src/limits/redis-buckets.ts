import type { Redis } from 'ioredis';
import type { SharedRedis } from '../shared/shared-redis';
import type { BucketStore } from './bucket-store';
import { bucketState, secondsToRefill, TokenBuckets, type BucketState, type Charge } from './token-bucket';

/**
 * Refill and charge in one step, atomically (a Lua script runs alone on the Redis server), so concurrent requests on
 * any number of processes never spend a unit twice. Redis's own clock is used, so the processes' clocks need not agree.
 * A bucket is a hash {tokens, at}; it expires once it would have refilled, since a missing bucket is a full one.
 * KEYS[1]: the bucket; ARGV: capacity, refill per second, cost, '1' to spend (else a dry run). Returns {allowed, tokens}
 * (tokens as text: Lua numbers would be truncated to integers on the way back).
 */
const CHARGE_SCRIPT = `
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = capacity
if stored[1] then
  tokens = math.min(capacity, tonumber(stored[1]) + math.max(0, now - tonumber(stored[2])) / 1000 * rate)
end
local allowed = 0
if tokens >= cost then
  allowed = 1
  if ARGV[4] == '1' and cost > 0 then
    tokens = tokens - cost
    redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
    redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
  end
end
return {allowed, tostring(tokens)}
`;

type ChargeCommand = {
  deskmetricsCharge(key: string, capacity: number, perSecond: number, cost: number, spend: '0' | '1'): Promise<[number, string]>;
};

/**
 * Token buckets in Redis under `<REDIS_KEY_PREFIX><namespace>:<client>`, shared by every process using the same Redis
 * and prefix. One round trip per call. While Redis is down (SharedRedis), the process's own buckets answer instead.
 */
export class RedisBuckets implements BucketStore {
  private readonly local: TokenBuckets;

  constructor(
    private readonly redis: SharedRedis,
    private readonly namespace: string,
    readonly capacity: number,
    readonly perSecond: number,
  ) {
    this.local = new TokenBuckets(capacity, perSecond);
    redis.client.defineCommand('deskmetricsCharge', { numberOfKeys: 1, lua: CHARGE_SCRIPT });
  }

  take(client: string, cost: number): Promise<Charge> {
    return this.charge(client, cost, true, () => this.local.take(client, cost));
  }

  async waitSeconds(client: string, cost: number): Promise<number> {
    const charge = await this.charge(client, cost, false, () => this.dryRunLocally(client, cost));
    return charge.allowed ? 0 : charge.retryAfterSeconds;
  }

  async peek(client: string): Promise<BucketState> {
    return (await this.charge(client, 0, false, () => ({ allowed: true, state: this.local.peek(client) }))).state;
  }

  private dryRunLocally(client: string, cost: number): Charge {
    const wait = this.local.waitSeconds(client, cost);
    const state = this.local.peek(client);
    return wait === 0 ? { allowed: true, state } : { allowed: false, state, retryAfterSeconds: wait };
  }

  private charge(client: string, cost: number, spend: boolean, fallback: () => Charge): Promise<Charge> {
    return this.redis.run(async (redis: Redis) => {
      const key = `${this.redis.keyPrefix}${this.namespace}:${client}`;
      const [allowed, tokensText] = await (redis as unknown as ChargeCommand).deskmetricsCharge(
        key,
        this.capacity,
        this.perSecond,
        cost,
        spend ? '1' : '0',
      );
      const tokens = Number(tokensText);
      const state = bucketState(this.capacity, this.perSecond, tokens);
      return allowed === 1 ? { allowed: true, state } : { allowed: false, state, retryAfterSeconds: secondsToRefill(cost - tokens, this.perSecond) };
    }, fallback);
  }
}
