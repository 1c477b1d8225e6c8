import { z } from 'zod';
import { hasWholeHourOffsets, isValidTimeZone } from '../time/time-zones';

/** Whether a string is exactly a web origin: scheme, host and optional port, nothing else. */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value;
  } catch {
    return false;
  }
}

/** Every setting deskmetrics reads from the environment, with its default and meaning (the README table is generated from this). */
export const CONFIG_VARIABLES = {
  DATABASE_URL: {
    schema: z.string().url().optional(),
    description: 'PostgreSQL connection URL. Unset: the embedded PGlite database is used.',
  },
  DESKMETRICS_DATA_DIR: {
    schema: z.string().min(1).default('.data/pglite'),
    description: "Folder the embedded PGlite database persists to (ignored with DATABASE_URL). 'memory://' keeps it in memory.",
  },
  DATABASE_SCHEMA: {
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier')
      .optional(),
    description: "PostgreSQL schema to use (created when missing). Default: the connection's search_path (public).",
  },
  DATABASE_POOL_SIZE: {
    schema: z.coerce.number().int().min(1).max(200).default(10),
    description: 'Connections in the pool to PostgreSQL (the embedded database always uses one).',
  },
  DATABASE_PREPARED_STATEMENTS: {
    schema: z.coerce.number().int().min(0).max(1000).default(32),
    description:
      "Named (prepared) statements each PostgreSQL connection keeps for the API's reads, parsed and planned once instead of at every request; a connection that has prepared this many is closed and replaced. 0 = none (a pooler that does not support them, e.g. PgBouncer before 1.21 in transaction mode).",
  },
  DATABASE_STATEMENT_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(0).default(30000),
    description: 'Server-side statement timeout for API queries in milliseconds (0 = none; the embedded PGlite enforces none).',
  },
  DATABASE_CONNECT_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(1).default(5000),
    description:
      'Longest wait for a pooled database connection (or a new one) in milliseconds; beyond, requests get DATABASE_UNAVAILABLE (HTTP 503).',
  },
  HEALTH_CHECK_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(1).default(2000),
    description: 'Longest /healthz waits for the database in milliseconds before answering 503.',
  },
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(4000),
    description: 'HTTP port of the GraphQL server.',
  },
  HOST: {
    schema: z.string().min(1).default('0.0.0.0'),
    description: 'Interface the HTTP server binds to.',
  },
  CORS_ORIGINS: {
    schema: z
      .string()
      .default('')
      .transform((raw, ctx) => {
        const origins = raw
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean);
        for (const o of origins) {
          if (o !== '*' && !isOrigin(o))
            ctx.addIssue({ code: 'custom', message: `"${o}" is not an origin (scheme://host[:port], e.g. http://localhost:5173)` });
        }
        return origins;
      }),
    description:
      "Origins (comma-separated, e.g. 'https://dash.example.com,http://localhost:5173') whose pages may call the API from a browser (CORS). '*' allows any origin, outside production mode only. Default: none.",
  },
  SHUTDOWN_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(0).default(10000),
    description:
      'On SIGINT/SIGTERM, how long in-flight requests may take to finish (milliseconds); then their statements are cancelled, they are answered with an error and the process exits with code 1.',
  },
  DESKMETRICS_DEMO: {
    schema: z.enum(['auto', 'off']).default('auto'),
    description: "'auto': on start, an empty database gets a demo dataset; 'off': never load demo data.",
  },
  DESKMETRICS_DEMO_TICKETS: {
    schema: z.coerce.number().int().min(100).max(50_000_000).default(100000),
    description: 'Tickets in the demo dataset loaded on first start.',
  },
  DESKMETRICS_DEMO_SEED: {
    schema: z.coerce.number().int().default(42),
    description: 'Random seed of the demo dataset loaded on first start.',
  },
  DESKMETRICS_EXPLORER: {
    schema: z.enum(['auto', 'on', 'off']).default('auto'),
    description: "'on' serves the GraphiQL explorer (bundled, works offline) at GET /graphql; 'auto': on, except in production mode.",
  },
  NODE_ENV: {
    schema: z.string().default('development'),
    description:
      "'production' turns on production mode: API keys required (refuses to start without one), no stack traces or field suggestions, explorer off unless DESKMETRICS_EXPLORER=on, a statement timeout required.",
  },
  MAX_QUERY_DEPTH: {
    schema: z.coerce.number().int().min(1).default(10),
    description: 'Deepest nesting of fields a GraphQL operation may have (introspection excepted).',
  },
  MAX_QUERY_ALIASES: {
    schema: z.coerce.number().int().min(0).default(50),
    description: 'Most aliases a GraphQL operation may use.',
  },
  MAX_QUERY_TOKENS: {
    schema: z.coerce.number().int().min(1).default(5000),
    description: 'Most lexical tokens a GraphQL document may have (counted before parsing).',
  },
  MAX_QUERY_DIRECTIVES: {
    schema: z.coerce.number().int().min(0).default(20),
    description: 'Most directives a GraphQL operation may use.',
  },
  MAX_QUERY_CHARACTERS: {
    schema: z.coerce.number().int().min(1).default(20000),
    description: 'Longest GraphQL document accepted, in characters (checked before parsing).',
  },
  MAX_QUERY_COST: {
    schema: z.coerce.number().int().min(1).default(10000),
    description: 'Highest estimated cost of one operation (a series costs one per bucket, a raw-table read 40 per 30 days; see docs/security.md).',
  },
  RATE_LIMIT_BURST_COST: {
    schema: z.coerce.number().int().min(1).default(20000),
    description:
      'Rate limit per API key (per client address without one): cost a client may spend at once (token bucket size; at least MAX_QUERY_COST).',
  },
  RATE_LIMIT_COST_PER_SECOND: {
    schema: z.coerce.number().min(0.001).default(500),
    description: 'Rate limit per API key: cost refilled per second.',
  },
  EXPENSIVE_QUERY_COST: {
    schema: z.coerce.number().int().min(1).default(4000),
    description: 'Estimated cost from which an operation counts against MAX_CONCURRENT_EXPENSIVE_PER_KEY while it runs.',
  },
  MAX_CONCURRENT_EXPENSIVE_PER_KEY: {
    schema: z.coerce.number().int().min(1).default(2),
    description:
      'Operations of at least EXPENSIVE_QUERY_COST one API key (client address without one) may run at once; beyond, TOO_MANY_CONCURRENT (HTTP 429).',
  },
  AUTH_FAILURES_PER_MINUTE: {
    schema: z.coerce.number().int().min(1).default(30),
    description:
      'Failed authentications a client address may make in a burst, refilled at this many a minute; beyond, its requests get 429 before any key is looked up.',
  },
  TRUST_PROXY: {
    schema: z
      .string()
      .refine(
        (v) => /^\d+$/.test(v) || v.split(',').every((item) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F.:]+(\/\d+)?)$/.test(item.trim())),
        "must be a hop count, or the proxies' addresses/subnets (or loopback), comma-separated",
      )
      .optional(),
    description:
      "Reverse proxies whose X-Forwarded-For is believed when finding a client's address (Express's 'trust proxy': a hop count, or the proxies' addresses/subnets). Unset: the TCP peer is the client.",
  },
  AUDIT_LOG: {
    schema: z.enum(['partners', 'all', 'off']).default('partners'),
    description: 'Whose requests are written to the audit log (auditLog query): partner keys, every key, or none.',
  },
  ROLLUP_TIMEZONE: {
    schema: z
      .string()
      .default('UTC')
      .refine(isValidTimeZone, 'must be an IANA time zone, e.g. America/New_York')
      .refine(hasWholeHourOffsets, 'must be a time zone whose UTC offsets are whole hours (the daily rollups are summed from UTC hours)'),
    description:
      "Time zone of the daily rollups' days: daily series in this zone, and periods from one of its midnights to another, read one row per day and segment instead of one per hour. Changing it rebuilds the rollups at start.",
  },
  METRIC_ROLLUPS: {
    schema: z.enum(['on', 'off']).default('on'),
    description:
      "Answer metric queries from the hourly and daily rollups whenever their shape allows ('off' reads the raw tables only; the rollups are still kept current).",
  },
  PARTNER_MIN_GROUP_SIZE: {
    schema: z.coerce.number().int().min(0).default(0),
    description:
      'Partner keys get no value computed from fewer records than this (totals, series buckets, breakdown rows, drivers, records): it is withheld (null, suppressed: true), so small groups cannot be singled out (0 = off).',
  },
  AUDIT_LOG_MAX_ROWS: {
    schema: z.coerce.number().int().min(1).max(100000).default(1000),
    description: 'Most entries one auditLog query returns.',
  },
  MAX_PERIOD_DAYS: {
    schema: z.coerce.number().int().min(1).default(3660),
    description: 'Longest period a metric query may span, in days.',
  },
  MAX_SERIES_BUCKETS: {
    schema: z.coerce.number().int().min(1).default(5000),
    description: 'Most buckets a series may have.',
  },
  TARGET_AT_RISK_TOLERANCE_PERCENT: {
    schema: z.coerce.number().min(0).max(100).default(10),
    description: 'A metric missing its target by at most this % of the target is AT_RISK; beyond, OFF_TRACK.',
  },
  MAX_BASELINE_PERIODS: {
    schema: z.coerce.number().int().min(1).max(100).default(12),
    description: 'Most previous periods a baseline may average.',
  },
  MAX_FORECAST_HORIZON: {
    schema: z.coerce.number().int().min(1).default(2000),
    description: 'Most buckets a forecast may project (a 14-day hourly staffing plan at 15 minutes is 1,344).',
  },
  FORECAST_CACHE_ENTRIES: {
    schema: z.coerce.number().int().min(0).default(500),
    description: 'Forecasts kept in memory per server, keyed by query and data version (0 = no cache).',
  },
  FORECAST_CACHE_TTL_SECONDS: {
    schema: z.coerce.number().int().min(1).default(86400),
    description:
      'With REDIS_URL: how long a forecast stays in the shared cache, in seconds (entries are keyed by data version and never stale; this bounds Redis memory).',
  },
  REDIS_URL: {
    schema: z
      .string()
      .url()
      .refine((v) => /^rediss?:$/.test(new URL(v).protocol), 'must be a redis:// or rediss:// URL')
      .optional(),
    description:
      'Redis shared by several server processes (e.g. redis://127.0.0.1:6379): rate limits, failed-authentication limits and the forecast cache hold across them. Unset: each process keeps its own. Redis down or slow: each process falls back to its own until it answers again.',
  },
  REDIS_KEY_PREFIX: {
    schema: z.string().min(1).default('deskmetrics:'),
    description:
      'Prefix of every Redis key deskmetrics writes; give each database its own (processes sharing a prefix must serve the same database).',
  },
  REDIS_TIMEOUT_MS: {
    schema: z.coerce.number().int().min(1).default(250),
    description: 'Longest wait for a Redis answer in milliseconds; beyond, the process uses its own limits and cache until Redis answers again.',
  },
  IMPORT_BATCH_SIZE: {
    schema: z.coerce.number().int().min(1).max(100000).default(5000),
    description: 'Rows per multi-row statement during import.',
  },
  INGEST_MAX_BYTES: {
    schema: z.coerce
      .number()
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(16 * 1024 * 1024),
    description:
      'Largest request body POST /ingest/<entity> reads, in bytes (the records of one request are held in memory and applied in one transaction); larger ones get 413 REQUEST_TOO_LARGE.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    description: 'Log level (pino).',
  },
} as const;

type Vars = typeof CONFIG_VARIABLES;
export type Config = { [K in keyof Vars]: z.output<Vars[K]['schema']> };

/** Thrown when the environment holds an invalid setting; the message names every bad variable. */
export class ConfigError extends Error {}

/** Reads and validates the configuration from an environment (process.env by default); throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, def] of Object.entries(CONFIG_VARIABLES)) {
    const raw = env[name];
    const parsed = def.schema.safeParse(raw === '' ? undefined : raw);
    if (parsed.success) out[name] = parsed.data;
    else problems.push(`${name}=${JSON.stringify(raw)}: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  return { ...(out as Config), ...overrides };
}
