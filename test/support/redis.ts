import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis the tests use: REDIS_URL (set by .ci/run), else this machine's. */
export const TEST_REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

const PROCESS_PREFIX = `deskmetrics-test:${process.pid}:`;

/** A key prefix of its own for one test, so runs and test files never see each other's buckets or forecasts. */
export function uniqueRedisPrefix(): string {
  return `${PROCESS_PREFIX}${randomBytes(4).toString('hex')}:`;
}

/** Deletes the keys this test process wrote under uniqueRedisPrefix prefixes. */
export async function removeTestKeys(url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await redis.connect();
    for await (const keys of redis.scanStream({ match: `${PROCESS_PREFIX}*`, count: 500 }) as AsyncIterable<string[]>) {
      if (keys.length) await redis.del(...keys);
    }
  } finally {
    redis.disconnect();
  }
}

/**
 * Whether Redis answers PING at TEST_REDIS_URL (checked synchronously, so suites can choose describe or describe.skip);
 * says why when it does not. CI starts Redis, so there these suites always run.
 */
export function redisAvailable(suite: string): boolean {
  const { hostname, port } = new URL(TEST_REDIS_URL);
  const probe = `
    const s = require('node:net').connect(${Number(port) || 6379}, ${JSON.stringify(hostname)});
    s.setTimeout(2000, () => process.exit(1));
    s.on('error', () => process.exit(1));
    s.on('connect', () => s.write('PING\\r\\n'));
    s.on('data', (d) => process.exit(String(d).startsWith('+PONG') ? 0 : 1));`;
  const ok = spawnSync(process.execPath, ['-e', probe], { timeout: 5000 }).status === 0;
  if (!ok) console.info(`${suite}: skipped, Redis does not answer at ${TEST_REDIS_URL} (start it: redis-server --daemonize yes)`);
  return ok;
}
