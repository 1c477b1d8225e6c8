import { DEVELOPMENT_CALLER, type Caller } from '../auth/caller';
import type { Config } from '../config/config';
import { createMetricLoaders, type MetricLoaders } from '../metrics/metric-loaders';
import type { SqlExecutor } from '../db/sql-executor';
import { createTargetLoader } from '../metrics/targets/target-loader';
import { createCalendarCountLoader } from '../metrics/business-hours/calendar-loader';
import type { AuditLog } from '../auth/audit-log';
import type { ForecastCache } from '../forecasts/forecast-cache';

/** What the HTTP server knows about one request, shared by its auth, limit and audit plugins. */
export interface RequestInfo {
  /** Date.now() when the request arrived. */
  startedAt: number;
  /** The rate-limit bucket it draws from: its API key, or the client address when no key was used. */
  clientKey: string;
  /** The operation's estimated cost, once computed (src/limits). */
  cost?: number;
}

/** What every resolver gets for one request: its own loaders (batching is per request), the settings and the SQL seam. */
export interface ApiContext {
  config: Config;
  sql: SqlExecutor;
  caller: Caller;
  loaders: MetricLoaders & {
    targets: ReturnType<typeof createTargetLoader>;
    calendarCount: ReturnType<typeof createCalendarCountLoader>;
  };
  /** Set by the HTTP server (absent when a context is built directly, e.g. in unit tests). */
  request?: RequestInfo;
  /** The server's audit log writer; the auditLog query flushes it before reading. */
  audit?: AuditLog;
  /** The server's forecast cache (shared by its requests; see forecasts/forecast-resolver.ts). */
  forecastCache?: ForecastCache;
  /** The request's snapshot seam, when the HTTP server made it (ended when the response is sent). */
  requestSql?: { useDirect(): void; end(): Promise<void> };
}
