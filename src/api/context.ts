import { DEVELOPMENT_CALLER, type Caller } from '../auth/caller';
import type { Config } from '../config/config';
import { createMetricLoaders, type MetricLoaders, type SqlExecutor } from '../metrics/metric-loaders';
import { createTargetLoader } from '../metrics/targets/target-loader';
import { createCalendarCountLoader } from '../metrics/business-hours/calendar-loader';

/** What every resolver gets for one request: its own loaders (batching is per request), the settings and the SQL seam. */
export interface ApiContext {
  config: Config;
  sql: SqlExecutor;
  caller: Caller;
  loaders: MetricLoaders & {
    targets: ReturnType<typeof createTargetLoader>;
    calendarCount: ReturnType<typeof createCalendarCountLoader>;
  };
}

/** Builds a fresh context for one request; the caller's scope is baked into the metric loaders. */
export function createContext(config: Config, sql: SqlExecutor, caller: Caller = DEVELOPMENT_CALLER): ApiContext {
  return {
    config,
    sql,
    caller,
    loaders: { ...createMetricLoaders(sql, caller.scope), targets: createTargetLoader(sql), calendarCount: createCalendarCountLoader(sql) },
  };
}
