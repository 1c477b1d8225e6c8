import { createHash } from 'node:crypto';
import type { SharedRedis } from '../shared/shared-redis';
import type { SharedForecastStore } from './forecast-cache';

/** Bumped whenever the shape of a cached forecast changes, so processes of different versions never share entries. */
const FORMAT = 'v1';

/**
 * Forecasts in Redis, as JSON under `<REDIS_KEY_PREFIX>forecast:v1:<sha256 of the cache key>`, kept
 * FORECAST_CACHE_TTL_SECONDS (the key holds the data version, so an entry is never stale: the TTL only bounds memory).
 * Dates and non-finite numbers, which JSON cannot hold, are tagged so a forecast read back equals the one computed.
 * Redis down or slow: a read misses and a write is skipped (SharedRedis).
 */
export class RedisForecastStore implements SharedForecastStore {
  constructor(
    private readonly redis: SharedRedis,
    private readonly ttlSeconds: number,
  ) {}

  async read(key: string): Promise<unknown> {
    const text = await this.redis.run(
      (client) => client.get(this.redisKey(key)),
      () => null,
    );
    return text === null ? undefined : decode(text);
  }

  async write(key: string, value: unknown): Promise<void> {
    const text = encode(value);
    await this.redis.run(
      async (client) => void (await client.set(this.redisKey(key), text, 'EX', this.ttlSeconds)),
      () => undefined,
    );
  }

  private redisKey(key: string): string {
    return `${this.redis.keyPrefix}forecast:${FORMAT}:${createHash('sha256').update(key).digest('hex')}`;
  }
}

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, name, json: unknown) {
    const raw = this[name];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (typeof raw === 'number' && !Number.isFinite(raw)) return { $number: String(raw) };
    return json;
  });
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_name, value: unknown) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const keys = Object.keys(value);
    if (keys.length !== 1) return value;
    const tagged = value as { $date?: unknown; $number?: unknown };
    if (typeof tagged.$date === 'string') return new Date(tagged.$date);
    if (typeof tagged.$number === 'string') return Number(tagged.$number);
    return value;
  });
}
