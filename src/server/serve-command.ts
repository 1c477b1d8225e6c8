import { randomBytes } from 'node:crypto';
import type { Config } from '../config/config';
import { cancelOwnStatements, type Database } from '../db/data-source';
import { openMigratedDatabase } from '../metrics/rollups/migrated-database';
import { RollupBuilder } from '../metrics/rollups/rollup-builder';
import { dashboardLink, ensureAuthenticationConfigured } from '../auth/first-key';
import { KeyStore } from '../auth/key-store';
import { explorerEnabled } from '../api/production-mode';
import type { DataSource } from 'typeorm';
import { loadDemoIfEmpty } from '../demo/demo-command';
import { createLogger, type Logger } from '../logging/logger';
import { createApiServer, listen } from './app';

/** `deskmetrics serve` (npm start): migrate, load demo data into an empty database, serve the API until SIGINT/SIGTERM. */
export async function runServeCommand(config: Config): Promise<void> {
  const logger = createLogger(config.LOG_LEVEL);
  // On PostgreSQL the rollups are built in the background (the server answers from the raw tables meanwhile), and so
  // are those an import on this database leaves to the server after its commit.
  const db = await openMigratedDatabase(config, { command: 'serve', onWait: (message) => logger.info(message), rollupsInBackground: true });
  logger.info({ database: db.description }, 'database ready (migrations applied)');
  let builder: RollupBuilder | undefined;
  const close = async () => {
    await builder?.stop();
    await db.close();
  };
  try {
    if (db.kind === 'postgres') builder = await startRollupBuilder(db, logger);
    await loadDemoIfConfigured(config, db.dataSource, logger);
  } catch (err) {
    await close();
    throw err;
  }
  let server: Awaited<ReturnType<typeof createApiServer>>;
  // While this server holds the embedded data folder, `deskmetrics import` sends its folder here (see local-import.ts).
  const localImportToken = db.folderLock ? randomBytes(32).toString('base64url') : undefined;
  let port: number;
  let firstKey: string | null;
  try {
    // With an empty key store: production refuses to start; development creates an admin key and prints it once.
    firstKey = await ensureAuthenticationConfigured(config, new KeyStore({ query: (sql, params) => db.dataSource.query(sql, params) }), logger);
    server = await createApiServer({ config, dataSource: db.dataSource, logger, authentication: { kind: 'api-keys' }, localImportToken });
    port = await listen(server, config.PORT, config.HOST).catch(async (err: NodeJS.ErrnoException) => {
      await server.stop();
      throw err.code === 'EADDRINUSE' ? new Error(`port ${config.PORT} on ${config.HOST} is in use by another process; stop it or set PORT`) : err;
    });
  } catch (err) {
    await close();
    throw err;
  }
  if (localImportToken) db.folderLock?.announceServer(`http://${localAddress(config.HOST)}:${port}`, localImportToken);
  const url = `http://localhost:${port}/graphql`;
  logger.info(
    { url, dashboard: `http://localhost:${port}/`, explorer: explorerEnabled(config), mode: config.NODE_ENV },
    `deskmetrics is serving ${url}`,
  );
  // Only when the key was just created (development only): one click from the start log to a working dashboard.
  if (firstKey) console.log(`Open the dashboard: ${dashboardLink(port, firstKey)}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const drainMs = config.SHUTDOWN_TIMEOUT_MS;
    let cut = false;
    logger.info({ signal, drainMs }, 'shutting down: finishing in-flight requests');
    const deadline = setTimeout(() => {
      cut = true;
      // Requests still running get their statements cancelled, so they answer with an error instead of being cut off,
      // and the database is not left running work nobody will read.
      void cancelOwnStatements(db)
        .then((cancelled) => logger.warn({ drainMs, cancelled }, 'in-flight requests outlived SHUTDOWN_TIMEOUT_MS: statements cancelled'))
        .catch((err: unknown) => logger.error({ err }, 'could not cancel running statements'))
        .finally(() => {
          setTimeout(() => {
            logger.error('shutdown did not finish after cancelling; exiting');
            process.exit(1);
          }, CANCEL_GRACE_MS).unref();
        });
    }, drainMs);
    deadline.unref();
    try {
      await server.stop();
      await close();
      logger.info('stopped');
      process.exitCode = cut ? 1 : 0;
    } catch (err) {
      logger.error({ err }, 'error during shutdown');
      process.exitCode = 1;
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

/** The server's rollup builder, logging what it does. */
function startRollupBuilder(db: Database, logger: Logger): Promise<RollupBuilder> {
  return RollupBuilder.start(db.dataSource, {
    onBuilt: (seconds) => logger.info({ seconds: Number(seconds.toFixed(1)) }, 'rollups built: metrics read them again'),
    onError: (err, what) => logger.error({ err }, what),
    cancelStatements: () => cancelOwnStatements(db),
  });
}

// After a shutdown's statements are cancelled: time for their requests to be answered and the pool to close.
const CANCEL_GRACE_MS = 3000;

/** The address a process on this machine reaches the server at. */
function localAddress(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
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
