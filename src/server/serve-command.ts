import type { Config } from '../config/config';
import { openMigratedDatabase } from '../db/data-source';
import { createLogger } from '../logging/logger';
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
  const server = await createApiServer({ config, dataSource: db.dataSource, logger });
  const port = await listen(server, config.PORT, config.HOST);
  const url = `http://localhost:${port}/graphql`;
  logger.info({ url, explorer: config.DESKMETRICS_EXPLORER === 'on' }, `deskmetrics is serving ${url}`);

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

async function loadDemoIfConfigured(_config: Config, _dataSource: unknown, _logger: unknown): Promise<void> {
  // Wired to the demo generator once it lands.
}
