import { Redis } from 'ioredis';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';

/** While Redis is down, how often it is asked whether it is back. */
const PROBE_INTERVAL_MS = 1000;

/**
 * The Redis connection several server processes share their rate limits and forecast cache through (REDIS_URL).
 * Redis is a help, never a dependency: a command that fails or outlasts REDIS_TIMEOUT_MS marks Redis down, and until a
 * probe gets an answer every caller is told to use its in-process fallback at once (no command is sent, so an outage
 * costs requests nothing). Each change of state is one log line.
 */
export class SharedRedis {
  private available = false;
  private probe: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly client: Redis,
    readonly keyPrefix: string,
    private readonly logger: Logger,
    private readonly url: string,
  ) {}

  /** Connects to REDIS_URL (waiting at most REDIS_TIMEOUT_MS, and at least a second, for it); null without REDIS_URL. */
  static async connect(config: Pick<Config, 'REDIS_URL' | 'REDIS_KEY_PREFIX' | 'REDIS_TIMEOUT_MS'>, logger: Logger): Promise<SharedRedis | null> {
    if (!config.REDIS_URL) return null;
    // A first connection also does a TCP (and perhaps TLS) handshake: more than one command's time.
    const connectMs = Math.max(config.REDIS_TIMEOUT_MS, 1000);
    const client = new Redis(config.REDIS_URL, {
      lazyConnect: true,
      // Commands fail at once while disconnected instead of queueing behind a reconnection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.REDIS_TIMEOUT_MS,
      connectTimeout: connectMs,
      retryStrategy: (attempt) => Math.min(attempt * 100, PROBE_INTERVAL_MS),
    });
    // Connection errors are reported through the commands that meet them; without a listener ioredis prints each one.
    client.on('error', () => {});
    const shared = new SharedRedis(client, config.REDIS_KEY_PREFIX, logger, redactedUrl(config.REDIS_URL));
    // Bounded: a Redis that accepts the connection but never answers must not hold the server's start.
    const startup = client.connect().then(() => client.ping());
    startup.catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${connectMs} ms`)), connectMs);
    });
    try {
      await Promise.race([startup, timeout]);
      shared.available = true;
      logger.info({ redis: shared.url }, 'Redis reachable: rate limits and the forecast cache are shared');
    } catch (err) {
      shared.markDown(err);
    } finally {
      clearTimeout(timer);
    }
    return shared;
  }

  /**
   * Runs `command` on Redis, or returns `fallback()` when Redis is down or the command fails or times out (which marks
   * it down). Never throws because of Redis.
   */
  async run<T>(command: (client: Redis) => Promise<T>, fallback: () => T | Promise<T>): Promise<T> {
    if (!this.available || this.closed) return fallback();
    try {
      return await command(this.client);
    } catch (err) {
      // Whatever went wrong (connection, timeout, even a reply error), the request goes on without Redis.
      this.markDown(err);
      return fallback();
    }
  }

  private markDown(err: unknown): void {
    if (this.closed) return;
    if (this.available || !this.probe) {
      this.logger.warn(
        { redis: this.url, reason: err instanceof Error ? err.message : String(err) },
        'Redis unreachable: rate limits and the forecast cache are per process until it is back',
      );
    }
    this.available = false;
    this.dropStuckConnection();
    if (!this.probe) {
      this.probe = setInterval(() => void this.tryReconnect(), PROBE_INTERVAL_MS);
      this.probe.unref();
    }
  }

  private async tryReconnect(): Promise<void> {
    if (this.available || this.closed) return;
    if (this.client.status === 'end') this.client.connect().catch(() => {});
    try {
      await this.client.ping();
    } catch {
      this.dropStuckConnection();
      return;
    }
    if (this.closed || this.available) return;
    clearInterval(this.probe);
    this.probe = undefined;
    this.available = true;
    this.logger.info({ redis: this.url }, 'Redis reachable again: rate limits and the forecast cache are shared');
  }

  /** A connection that is open but did not answer (a frozen network or server) is replaced by a fresh one. */
  private dropStuckConnection(): void {
    if (this.client.status === 'ready' || this.client.status === 'connect') this.client.disconnect(true);
  }

  /** Closes the connection (server shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    this.available = false;
    clearInterval(this.probe);
    if (this.client.status === 'ready') await this.client.quit().catch(() => this.client.disconnect());
    else this.client.disconnect();
  }
}

/** The URL without its password, for logs. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis';
  }
}
