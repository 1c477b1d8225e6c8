import type { ApiContext } from '../api/context';
import { DEVELOPMENT_CALLER, type Caller } from '../auth/caller';
import type { Config } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import { createMetricLoaders } from '../metrics/metric-loaders';
import { createTargetLoader } from '../metrics/targets/target-loader';
import { createCalendarCountLoader } from '../metrics/business-hours/calendar-loader';

/** Builds a fresh context for one request; the caller's scope is baked into the metric loaders. */
export function createContext(config: Config, sql: SqlExecutor, caller: Caller = DEVELOPMENT_CALLER): ApiContext {
  return {
    config,
    sql,
    caller,
    loaders: {
      ...createMetricLoaders(sql, caller.scope, caller.scope ? config.PARTNER_MIN_GROUP_SIZE : 0, {
        enabled: config.METRIC_ROLLUPS === 'on',
        timezone: config.ROLLUP_TIMEZONE,
      }),
      targets: createTargetLoader(sql, caller.scope),
      calendarCount: createCalendarCountLoader(sql),
    },
  };
}
