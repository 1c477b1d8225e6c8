import type { Config } from '../config/config';
import { openMigratedDatabase } from '../db/data-source';
import { ensureAuthenticationConfigured } from '../auth/first-key';
import { KeyStore } from '../auth/key-store';
import { explorerEnabled } from '../limits/production-mode';
import type { DataSource } from 'typeorm';
import { loadDemoIfEmpty } from '../demo/demo-command';
import { createLogger, type Logger } from '../logging/logger';
import { createApiServer, listen } from './app';

/** `deskmetrics serve` (npm start): migrate, load demo data into an empty database, serve the API until SIGINT/SIGTERM. */
export async function runServeCommand(config: Config): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  const db = await openMigratedDatabase(config);
  logger.info({ database: db.description }, 'database ready (migrations applied)');
  try {
    await loadDemoIfConfigured(config, db.dataSource, logger);
  } catch (err) {
    await db.close();
    throw err;
  }
  let server: Awaited<ReturnType<typeof createApiServer>>;
  try {
    // With an empty key store: production refuses to start; development creates an admin key and prints it once.
    await ensureAuthenticationConfigured(config, new KeyStore({ query: (sql, params) => db.dataSource.query(sql, params) }), logger);
    server = await createApiServer({ config, dataSource: db.dataSource, logger, authentication: { kind: 'api-keys' } });
  } catch (err) {
    await db.close();
    throw err;
  }
  const port = await listen(server, config.PORT, config.HOST);
  const url = `http://localhost:${port}/graphql`;
  logger.info({ url, explorer: explorerEnabled(config), mode: config.NODE_ENV }, `deskmetrics is serving ${url}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await server.stop();
      await db.close();
      logger.info('stopped');
      process.exitCode = 0;
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exitCode = 1;
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** Loads the demo dataset into an empty database unless DESKMETRICS_DEMO=off; a database with any data is never touched. */
async function loadDemoIfConfigured(config: Config, dataSource: DataSource, logger: Logger): Promise<void> {
  if (config.DESKMETRICS_DEMO === 'off') return;
  await loadDemoIfEmpty(dataSource, {
    tickets: config.DESKMETRICS_DEMO_TICKETS,
    seed: config.DESKMETRICS_DEMO_SEED,
    batchSize: config.IMPORT_BATCH_SIZE,
    log: (message, details) => logger.info(details ?? {}, message),
  });
}
