import type { SqlExecutor } from '../metrics/metric-loaders';

/**
 * A bounded in-process cache of computed forecasts, keyed by the request and the data version, so a dashboard refresh
 * does not refit every model while an import makes every entry stale at once.
 */
export class ForecastCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(private readonly maxEntries: number) {}

  /** The cached value for the key, or the computed one (stored; failures are not cached). */
  async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      // Re-insert so the least recently used entry is the first one evicted.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit as Promise<T>;
    }
    const pending = compute();
    this.entries.set(key, pending);
    pending.catch(() => this.entries.delete(key));
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return pending;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The data version: changes whenever an import completes or rows are added, read from indexed maxima only. (Rows
 * changed in place outside an import do not change it; imports are the supported way to change data.)
 */
export async function dataVersion(sql: Pick<SqlExecutor, 'query'>): Promise<string> {
  const [row] = await sql.query<{ v: string }>(
    `SELECT concat_ws(':', (SELECT max(id) FROM import_runs), (SELECT max(id) FROM tickets), (SELECT max(id) FROM messages),
                           (SELECT max(id) FROM customers), (SELECT max(id) FROM surveys)) AS v`,
    [],
  );
  return row.v;
}
