// The context is the typed bag each domain's resolvers read: its domain parts are type-only imports (erased when
// compiled), and src/server/request-context.ts builds it, so api/ runs no domain code.
import type { Caller } from '../auth/caller';
import type { AuditLog } from '../auth/audit-log';
import type { Config } from '../config/config';
import type { SqlExecutor } from '../db/sql-executor';
import type { ForecastCache } from '../planning/forecast-cache';
import type { MetricLoaders } from '../metrics/metric-loaders';
import type { createTargetLoader } from '../metrics/targets/target-loader';
import type { createCalendarCountLoader } from '../metrics/business-hours/calendar-loader';

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
