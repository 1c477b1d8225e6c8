import { createServer, type Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import type { DataSource } from 'typeorm';
import { createContext, type ApiContext } from '../api/context';
import { DEVELOPMENT_CALLER, type Caller } from '../auth/caller';
import { formatError } from '../api/errors';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import type { SqlExecutor } from '../metrics/metric-loaders';
import { graphiqlPage } from './graphiql';
import { buildApiSchema } from './schema';

/** The HTTP server with the GraphQL endpoint, the explorer and /healthz, not yet listening. */
export interface ApiServer {
  readonly httpServer: Server;
  readonly apollo: ApolloServer<ApiContext>;
  /** Stops accepting requests, lets in-flight ones finish, then stops Apollo. */
  stop(): Promise<void>;
}

/** The SQL seam of the API: parameterised statements through the DataSource's pool. */
export function dataSourceExecutor(dataSource: DataSource): SqlExecutor {
  return {
    query: (sql, params) => dataSource.query(sql, params),
    transaction: (work) => dataSource.transaction((manager) => work({ query: (sql, params) => manager.query(sql, params) })),
  };
}

/** Builds the Express app serving POST/GET /graphql (Apollo), the offline GraphiQL explorer and /healthz. */
export async function createApiServer(options: {
  config: Config;
  dataSource: DataSource;
  logger: Logger;
  /** Wraps the SQL seam (tests count statements through it). */
  executor?: SqlExecutor;
  /** Who a request comes from; until API keys are configured, everyone is the development caller. */
  callerOf?: (req: express.Request) => Caller;
}): Promise<ApiServer> {
  const { config, dataSource, logger } = options;
  const executor = options.executor ?? dataSourceExecutor(dataSource);
  const app = express();
  app.disable('x-powered-by');
  const httpServer = createServer(app);
  const apollo = new ApolloServer<ApiContext>({
    schema: buildApiSchema(),
    formatError: (formatted, error) => {
      const out = formatError(formatted, error);
      if (out.extensions?.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error }, 'GraphQL resolver failed');
      return out;
    },
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginDrainHttpServer({ httpServer }), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();

  app.get('/healthz', async (_req, res) => {
    try {
      await dataSource.query('SELECT 1');
      res.json({ status: 'ok', database: 'reachable' });
    } catch (err) {
      logger.warn({ err }, 'health check: database unreachable');
      res.status(503).json({ status: 'unavailable', database: 'unreachable' });
    }
  });

  app.get('/graphql', (req, res, next) => {
    // A browser asking for the page (no query in the URL) gets the explorer; GET queries go to Apollo.
    if (config.DESKMETRICS_EXPLORER === 'on' && !req.query.query && req.accepts(['text/html', 'application/json']) === 'text/html') {
      res.type('html').send(graphiqlPage('/graphql'));
      return;
    }
    next();
  });

  app.use(
    '/graphql',
    express.json({ limit: '1mb' }),
    expressMiddleware(apollo, { context: async ({ req }) => createContext(config, executor, (options.callerOf ?? (() => DEVELOPMENT_CALLER))(req)) }),
  );

  app.get('/', (_req, res) => res.redirect('/graphql'));

  return {
    httpServer,
    apollo,
    async stop() {
      await apollo.stop();
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
