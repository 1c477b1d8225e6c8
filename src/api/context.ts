import type { Config } from '../config/config';
import { createMetricLoaders, type MetricLoaders, type SqlExecutor } from '../metrics/metric-loaders';

/** What every resolver gets for one request: its own loaders (batching is per request), the settings and the SQL seam. */
export interface ApiContext {
  config: Config;
  sql: SqlExecutor;
  loaders: MetricLoaders;
}

/** Builds a fresh context for one request. */
export function createContext(config: Config, sql: SqlExecutor): ApiContext {
  return { config, sql, loaders: createMetricLoaders(sql) };
}
