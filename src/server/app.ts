import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { DataSource } from 'typeorm';
import type { ApiContext } from '../api/context';
import { createContext } from './request-context';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnreachable } from '../api/database-unavailable';
import { ApiError, databaseUnavailableError, ErrorCode, formatError } from '../api/errors';
import { AuditLog } from '../auth/audit-log';
import { mayRead } from '../auth/caller';
import { auditPlugin } from '../auth/audit-plugin';
import { createAuthenticator, type AuthenticationMode } from '../auth/authenticate-request';
import { withHttpStatus } from '../api/http-error';
import { KeyStore } from '../auth/key-store';
import { AuthFailureLimit } from '../limits/auth-failure-limit';
import { ExpensiveOperations } from '../limits/expensive-operations';
import { admitRequest, limitsPlugin } from '../limits/limits-plugin';
import { estimateCost } from '../metrics/query-cost';
import { checkServerSettings, explorerEnabled, isProduction } from '../api/production-mode';
import { checkQueryText } from '../limits/query-text';
import { checkVariablesDepth } from '../limits/variables-depth';
import { queryShapeRules } from '../limits/query-shape';
import { TokenBuckets } from '../limits/token-bucket';
import { inProcessBuckets, type BucketStore } from '../limits/bucket-store';
import { RedisBuckets } from '../limits/redis-buckets';
import { SharedRedis } from '../shared/shared-redis';
import { RedisForecastStore } from '../planning/redis-forecast-store';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import type { SqlExecutor } from '../db/sql-executor';
import type { PoolClient } from 'pg';
import { answeredWithin, type AnswerDeadline } from '../db/unanswered-statement';
import { useDatabaseTimeZones } from '../time/time-zones';
import { ForecastCache } from '../planning/forecast-cache';
import { databaseUnavailablePlugin, DatabaseStatus, withinTime } from './database-status';
import { graphiqlPage } from './graphiql';
import { jsonErrorHandler, MAX_BODY } from './http-errors';
import { conditionalGet } from './conditional-get';
import { corsMiddleware } from './cors';
import { mountDashboard } from './dashboard-static';
import { mountLocalImport } from './local-import';
import { requestSqlFactory, type StatementObserver } from './request-sql';
import { snapshotPlugin } from './snapshot-plugin';
import { buildApiSchema } from './schema';
import { mountForecastExports } from './export-route';
import { mountIngest } from './ingest-route';

/** The HTTP server with the GraphQL endpoint, the explorer and /healthz, not yet listening. */
export interface ApiServer {
  readonly httpServer: Server;
  readonly apollo: ApolloServer<ApiContext>;
  /** Stops accepting requests, lets in-flight ones finish, then stops Apollo. */
  stop(): Promise<void>;
}

/**
 * The server's own statements (key lookups, audit writes, mutations) straight to the pool, each on a connection of its
 * own; on PostgreSQL bounded like a request's (answeredWithin), so a frozen link cannot hold a key lookup forever.
 */
function serverExecutor(dataSource: DataSource, deadline?: AnswerDeadline): SqlExecutor {
  if (!deadline) {
    return {
      query: (sql, params) => dataSource.query(sql, params),
      transaction: (work) => dataSource.transaction((manager) => work({ query: (sql, params) => manager.query(sql, params) })),
    };
  }
  const withConnection = async <T>(work: (query: SqlExecutor['query']) => Promise<T>): Promise<T> => {
    const runner = dataSource.createQueryRunner();
    try {
      const client = (await runner.connect()) as PoolClient;
      return await work((sql, params) => answeredWithin(client, runner.query(sql, params), deadline));
    } finally {
      await runner.release();
    }
  };
  return {
    query: (sql, params) => withConnection((query) => query(sql, params)),
    transaction: (work) =>
      withConnection(async (query) => {
        await query('BEGIN', []);
        try {
          const result = await work({ query });
          await query('COMMIT', []);
          return result;
        } catch (err) {
          await query('ROLLBACK', []).catch(() => undefined);
          throw err;
        }
      }),
  };
}

// After the drain time the server's statements are cancelled; their requests then need a moment to answer.
const CANCEL_ANSWER_MS = 1000;

/** Builds the Express app serving POST/GET /graphql (Apollo), the offline GraphiQL explorer and /healthz. */
export async function createApiServer(options: {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  /** Told of every statement a request runs, before it runs (tests count them). */
  onStatement?: StatementObserver;
  /**
   * Who requests come from: `deskmetrics serve` always uses API keys; `fixed` (one caller for every request) is for tests
   * and is refused in production mode. Deliberately required, so no caller falls back to an open server by omission.
   */
  authentication: AuthenticationMode;
  /** Takes `deskmetrics import` of other processes while this server holds the embedded data folder (the lock's token). */
  localImportToken?: string;
}): Promise<ApiServer> {
  const { config, dataSource, logger, authentication } = options;
  checkServerSettings(config);
  const production = isProduction(config);
  if (production && authentication.kind !== 'api-keys')
    throw new Error('production mode serves only requests with API keys (authentication: api-keys)');
  // Every statement is watched, so an outage is noticed (and logged once) whichever statement meets it first.
  const database = new DatabaseStatus(logger);
  // Key lookups and audit writes are the server's own statements: straight to the pool, not through the request seam.
  const [{ version }] = await dataSource.query('SELECT version() AS version');
  const embedded = /PGlite/i.test(version);
  // The embedded database runs in this process: nothing between it and us can stop forwarding.
  const deadline = embedded
    ? undefined
    : database.answerDeadline(config.DATABASE_STATEMENT_TIMEOUT_MS, config.DATABASE_CONNECT_TIMEOUT_MS, config.HEALTH_CHECK_TIMEOUT_MS);
  const serverSql = database.watchExecutor(serverExecutor(dataSource, deadline));
  const requestSql = requestSqlFactory(dataSource, serverSql, embedded, {
    onStatement: options.onStatement,
    deadline,
    preparedPerConnection: config.DATABASE_PREPARED_STATEMENTS,
  });
  const authenticate = createAuthenticator(authentication, new KeyStore(serverSql), logger);
  const audit = new AuditLog(serverSql, logger);
  // Time zones are validated against the database's list too, so one it does not know is UNKNOWN_TIMEZONE, not a SQL error.
  const zones: { name: string }[] = await dataSource.query('SELECT name FROM pg_timezone_names');
  useDatabaseTimeZones(zones.map((z) => z.name));
  // With REDIS_URL, limits and the forecast cache are shared by every process using that Redis (docs/operations.md).
  const redis = await SharedRedis.connect(config, logger);
  const bucketStore = (namespace: string, capacity: number, perSecond: number): BucketStore =>
    redis ? new RedisBuckets(redis, namespace, capacity, perSecond) : inProcessBuckets(new TokenBuckets(capacity, perSecond));
  const authFailures = new AuthFailureLimit(
    config.AUTH_FAILURES_PER_MINUTE,
    bucketStore('auth-failures', config.AUTH_FAILURES_PER_MINUTE, config.AUTH_FAILURES_PER_MINUTE / 60),
  );
  const forecastCache = new ForecastCache(
    config.FORECAST_CACHE_ENTRIES,
    redis ? new RedisForecastStore(redis, config.FORECAST_CACHE_TTL_SECONDS) : undefined,
  );
  const buckets = bucketStore('rate', config.RATE_LIMIT_BURST_COST, config.RATE_LIMIT_COST_PER_SECOND);
  const schema = buildApiSchema();
  const app = express();
  app.disable('x-powered-by');
  // The client address (per-address limits) comes from X-Forwarded-For only through proxies the operator names.
  if (config.TRUST_PROXY) app.set('trust proxy', /^\d+$/.test(config.TRUST_PROXY) ? Number(config.TRUST_PROXY) : config.TRUST_PROXY);
  // Express's own ETag hashes every body after computing it; GET queries get one from the data version instead (conditional-get.ts).
  app.set('etag', false);
  // First, so every answer to a listed origin's page carries its CORS headers, errors and 401/429 included.
  const allowOrigins = corsMiddleware(config.CORS_ORIGINS);
  if (allowOrigins) app.use(allowOrigins);
  const httpServer = createServer(app);
  const apollo = new ApolloServer<ApiContext>({
    schema,
    // serve-command stops the server on SIGINT/SIGTERM itself (drain, close the pool, flush the audit log); Apollo's own
    // handler would re-send the signal and end the process before that finishes.
    stopOnTerminationSignals: false,
    formatError: (formatted, error) => {
      const out = formatError(formatted, error);
      if (out.extensions?.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error }, 'GraphQL resolver failed');
      return out;
    },
    includeStacktraceInErrorResponses: false,
    nodeEnv: config.NODE_ENV,
    // Only authenticated requests get this far with API keys, so introspection is for authenticated callers only.
    introspection: true,
    // Production: no "Did you mean …" suggestions that would spell out the schema to a prober.
    hideSchemaDetailsFromClientErrors: production,
    validationRules: queryShapeRules(config),
    plugins: [
      // Connections still open at the shutdown deadline are closed; serve-command cancels their statements then.
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: config.SHUTDOWN_TIMEOUT_MS + CANCEL_ANSWER_MS }),
      ApolloServerPluginLandingPageDisabled(),
      // No HTTP caching of metric answers; without this Apollo wraps every field resolver to compute cache hints.
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin(
        (document, operationName, variables, scope) => estimateCost(schema, document, operationName, variables, config, scope),
        config,
        buckets,
        new ExpensiveOperations(config.EXPENSIVE_QUERY_COST, config.MAX_CONCURRENT_EXPENSIVE_PER_KEY),
      ),
      auditPlugin(audit, config.AUDIT_LOG),
      snapshotPlugin(),
      databaseUnavailablePlugin(),
    ],
  });
  await apollo.start().catch(async (err: unknown) => {
    await redis?.close();
    throw err;
  });

  app.get('/healthz', async (_req, res) => {
    // Time-boxed: a database that stops answering must not hold the load balancer's check (the outage is logged once).
    const outcome = await withinTime(serverSql.query('SELECT 1', []), config.HEALTH_CHECK_TIMEOUT_MS);
    if (outcome === 'ok') {
      res.json({ status: 'ok', database: 'reachable' });
      return;
    }
    if (outcome === 'timeout')
      database.down(new Error(`health check: no answer within ${config.HEALTH_CHECK_TIMEOUT_MS} ms (HEALTH_CHECK_TIMEOUT_MS)`));
    res.status(503).set('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS)).json({ status: 'unavailable', database: 'unreachable' });
  });

  if (options.localImportToken) {
    mountLocalImport(app, {
      dataSource,
      description: 'the embedded database of this server',
      token: options.localImportToken,
      defaultBatchSize: config.IMPORT_BATCH_SIZE,
      logger,
    });
  }

  const authenticateRequest = (req: express.Request) => authFailures.guard(req.ip ?? 'unknown', () => authenticate(req.headers));
  app.get('/graphql', conditionalGet(serverSql, authenticateRequest));

  app.get('/graphql', (req, res, next) => {
    // A browser asking for the page (no query in the URL) gets the explorer; GET queries go to Apollo.
    if (explorerEnabled(config) && !req.query.query && req.accepts(['text/html', 'application/json']) === 'text/html') {
      res.type('html').send(graphiqlPage('/graphql'));
      return;
    }
    next();
  });

  // In this order: has the address failed too often (429), who is asking (401), is the document small enough to
  // parse (400/413), may they ask now (429).
  const requestContext = async (req: express.Request): Promise<ApiContext> => {
    const startedAt = Date.now();
    const caller = await authenticateRequest(req).catch((err: unknown) => {
      // The key lookup is the first statement of a request: an outage is answered here, before Apollo runs.
      if (isDatabaseUnreachable(err)) throw withHttpStatus(databaseUnavailableError(), 503, { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) });
      throw err;
    });
    // An ingest key writes records and reads nothing: not one field, not even the schema.
    if (!mayRead(caller.role)) {
      throw withHttpStatus(new ApiError(ErrorCode.FORBIDDEN, `${caller.role} keys read no data; they send records to POST /ingest/<entity>`), 403);
    }
    const params = (req.method === 'GET' ? req.query : req.body) as { query?: unknown; variables?: unknown } | undefined;
    checkQueryText(params?.query, config);
    checkVariablesDepth(params?.variables);
    const clientKey = caller.keyId ? `key:${caller.keyId}` : `address:${req.ip}`;
    await admitRequest(buckets, clientKey);
    const sql = requestSql();
    return {
      ...createContext(config, database.watchExecutor(sql), caller),
      requestSql: sql,
      forecastCache,
      request: { startedAt, clientKey },
      audit,
    };
  };

  app.use('/graphql', express.json({ limit: MAX_BODY }), expressMiddleware(apollo, { context: ({ req }) => requestContext(req) }));
  // CSV for workforce-management tools: the forecast queries run through Apollo with the same context (docs/forecasts.md).
  mountForecastExports(app, {
    schema,
    apollo,
    context: requestContext,
    conditional: conditionalGet(serverSql, authenticateRequest, { everyGet: true }),
  });

  // Records from help desk webhooks and ETL tools, through the importer (docs/ingest.md).
  mountIngest(app, { dataSource, config, authenticate: authenticateRequest, admit: (client) => admitRequest(buckets, client), logger });

  mountDashboard(app, logger);
  app.use(jsonErrorHandler(logger));

  return {
    httpServer,
    apollo,
    async stop() {
      await apollo.stop();
      await audit.flush();
      await redis?.close();
      if (httpServer.listening) await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    },
  };
}

/** Starts listening; resolves with the bound port. */
export function listen(server: ApiServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.httpServer.once('error', reject);
    server.httpServer.listen(port, host, () => {
      const address = server.httpServer.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
