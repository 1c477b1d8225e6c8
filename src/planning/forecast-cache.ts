import type { SqlExecutor } from '../db/sql-executor';

/** A cache several server processes share (Redis, see redis-forecast-store.ts); it never throws. */
export interface SharedForecastStore {
  /** The stored value, or undefined. */
  read(key: string): Promise<unknown>;
  write(key: string, value: unknown): Promise<void>;
}

/**
 * A bounded in-process cache of computed forecasts, keyed by the request and the data version, so a dashboard refresh
 * does not refit every model while an import makes every entry stale at once. With a shared store, a forecast missing
 * here is looked for there before it is computed, and a computed one is stored there, so one process's fit serves all.
 */
export class ForecastCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(
    private readonly maxEntries: number,
    private readonly shared?: SharedForecastStore,
  ) {}

  /** The cached value for the key, or the computed one (stored; failures are not cached). */
  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert so the least recently used entry is the first one evicted.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit as Promise<T>;
    }
    // Concurrent requests for one key in this process wait for one lookup and one computation.
    const pending = this.shared ? this.throughShared(this.shared, key, compute) : compute();
    this.entries.set(key, pending);
    pending.catch(() => this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return pending;
  }

  private async throughShared<T>(shared: SharedForecastStore, key: string, compute: () => Promise<T>): Promise<T> {
    const stored = await shared.read(key);
    if (stored !== undefined) return stored as T;
    const value = await compute();
    // Awaited, so a request sent to another process after this answer finds it.
    await shared.write(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The data version: changes whenever an import completes or rows are added, and whenever configuration that changes
 * answers does (a metric target, a business calendar, a forecast event: set, replaced or removed). Read from indexed
 * maxima and tiny tables only. (Rows changed in place outside an import do not change it; imports are the supported
 * way to change data.)
 */
export async function dataVersion(sql: Pick<SqlExecutor, 'query'>): Promise<string> {
  const [row] = await sql.query<{ v: string }>(
    `SELECT concat_ws(':', (SELECT max(id) FROM import_runs), (SELECT max(id) FROM tickets), (SELECT max(id) FROM messages),
                           (SELECT max(id) FROM customers), (SELECT max(id) FROM surveys),
                           (SELECT count(*) || '.' || coalesce(max(updated_at)::text, '') FROM metric_targets),
                           (SELECT count(*) || '.' || coalesce(max(id), 0) FROM business_calendars),
                           (SELECT count(*) || '.' || coalesce(max(updated_at)::text, '') FROM forecast_events)) AS v`,
    [],
  );
  return row.v;
}
