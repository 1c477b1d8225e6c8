/**
 * A JSON GET client for help-desk APIs that behaves as a good API citizen: it honours 429 + Retry-After, spaces the
 * requests of a rate-limited endpoint family, retries 5xx answers and network errors with bounded exponential backoff,
 * and never puts its credentials in a message. The clock is injectable so tests need not wait.
 */

/** Why the client waits before sending a request again. */
export interface RetryNotice {
  path: string;
  attempt: number;
  waitMs: number;
  reason: string;
}

export interface HttpClientOptions {
  /** Origin (and optional path prefix) every request goes to; next-page URLs are re-rooted here. */
  baseUrl: string;
  /** Sent with every request (authorization); never logged. */
  headers: Record<string, string>;
  /** Attempts of one request on 5xx answers and network errors (default 6). */
  maxAttempts?: number;
  /** 429 answers tolerated for one request before giving up (default 20). */
  maxRateLimited?: number;
  /** First backoff delay, doubled each attempt (default 1000 ms), up to maxDelayMs (default 60000 ms). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Wait when a 429 has no usable Retry-After (default 60000 ms). */
  defaultRetryAfterMs?: number;
  /** Paths with this prefix are spaced `60000 / limitedPerMinute` ms apart (the incremental endpoints' own limit). */
  limitedPrefix?: string;
  limitedPerMinute?: number;
  /** Per-request timeout (default 60000 ms). */
  timeoutMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  onRetry?: (notice: RetryNotice) => void;
}

/** An answer the client does not retry (4xx other than 429), or a request that failed every attempt. */
export class HttpError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait a Retry-After header asks for (seconds or an HTTP date), or undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.ceil(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

export class JsonHttpClient {
  private readonly base: URL;
  private lastLimitedMs: number | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: HttpClientOptions) {
    this.base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
  }

  /**
   * The URL a path or a next-page URL of the API resolves to: always under the base URL, so the credentials go nowhere
   * else (a proxy's answers may carry the upstream host in their next-page URLs).
   */
  resolve(pathOrUrl: string): URL {
    const given = new URL(pathOrUrl, this.base);
    const prefix = this.base.pathname.replace(/\/$/, '');
    const path = given.origin === this.base.origin && given.pathname.startsWith(`${prefix}/`) ? given.pathname : `${prefix}${given.pathname}`;
    return new URL(`${path}${given.search}`, this.base.origin);
  }

  /** GETs JSON, retrying as described above. */
  async get<T>(pathOrUrl: string): Promise<T> {
    const url = this.resolve(pathOrUrl);
    const shown = `${url.pathname}${url.search}`;
    const maxAttempts = this.options.maxAttempts ?? 6;
    const maxRateLimited = this.options.maxRateLimited ?? 20;
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      await this.space(url.pathname);
      let response: Response;
      try {
        response = await fetch(url, {
          headers: { accept: 'application/json', ...this.options.headers },
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 60_000),
        });
      } catch (err) {
        failures++;
        const reason = `network error: ${(err as Error).message}`;
        if (failures >= maxAttempts) throw new HttpError(`GET ${shown} failed ${failures} times; last: ${reason}`);
        await this.wait({ path: shown, attempt: failures, waitMs: this.backoffMs(failures), reason });
        continue;
      }
      if (response.status === 429) {
        rateLimited++;
        const waitMs = retryAfterMs(response.headers.get('retry-after'), this.now()) ?? this.options.defaultRetryAfterMs ?? 60_000;
        await response.body?.cancel();
        if (rateLimited > maxRateLimited) throw new HttpError(`GET ${shown} was rate limited (429) ${rateLimited} times in a row`, 429);
        await this.wait({ path: shown, attempt: rateLimited, waitMs, reason: '429 Too Many Requests' });
        continue;
      }
      if (response.status >= 500) {
        failures++;
        const reason = `${response.status} ${response.statusText}`.trim();
        await response.body?.cancel();
        if (failures >= maxAttempts) throw new HttpError(`GET ${shown} failed ${failures} times; last: ${reason}`, response.status);
        await this.wait({ path: shown, attempt: failures, waitMs: this.backoffMs(failures), reason });
        continue;
      }
      const text = await response.text();
      if (!response.ok) {
        throw new HttpError(`GET ${shown} answered ${response.status} ${response.statusText}: ${text.slice(0, 300)}`.trim(), response.status);
      }
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new HttpError(`GET ${shown} answered ${response.status} with a body that is not JSON: ${text.slice(0, 100)}`, response.status);
      }
    }
  }

  private backoffMs(failures: number): number {
    return Math.min(this.options.maxDelayMs ?? 60_000, (this.options.baseDelayMs ?? 1000) * 2 ** (failures - 1));
  }

  private async wait(notice: RetryNotice): Promise<void> {
    this.options.onRetry?.(notice);
    await this.sleep(notice.waitMs);
  }

  /** Spaces requests to the rate-limited endpoint family. */
  private async space(path: string): Promise<void> {
    const { limitedPrefix, limitedPerMinute } = this.options;
    if (!limitedPrefix || !limitedPerMinute || !path.includes(limitedPrefix)) return;
    const interval = 60_000 / limitedPerMinute;
    if (this.lastLimitedMs !== undefined) {
      const due = this.lastLimitedMs + interval - this.now();
      if (due > 0) await this.sleep(due);
    }
    this.lastLimitedMs = this.now();
  }
}
