import { join } from 'node:path';
import { DataSource, MigrationExecutor, type DataSourceOptions, type EntityManager } from 'typeorm';
import type { Config } from '../config/config';
import { MIGRATION_LOCK } from './advisory-locks';
import { ENTITIES } from '../data/entities';
import type { DataFolderLock } from './data-folder-lock';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';

/** An open database: the TypeORM DataSource plus what must be stopped with it. */
export interface Database {
  readonly dataSource: DataSource;
  /** 'postgres' for DATABASE_URL, 'pglite' for the embedded database. */
  readonly kind: 'postgres' | 'pglite';
  /** A log-safe description (no password). */
  readonly description: string;
  /** The embedded database's hold on its data folder (PGlite on a folder only). */
  readonly folderLock?: DataFolderLock;
  close(): Promise<void>;
}

export type DatabaseSettings = Pick<
  Config,
  | 'DATABASE_URL'
  | 'DESKMETRICS_DATA_DIR'
  | 'DATABASE_SCHEMA'
  | 'DATABASE_POOL_SIZE'
  | 'DATABASE_STATEMENT_TIMEOUT_MS'
  | 'DATABASE_CONNECT_TIMEOUT_MS'
  | 'ROLLUP_TIMEZONE'
>;

// Compiled migrations sit next to this file's compiled tree; under ts-jest the .ts sources are loaded instead.
const MIGRATIONS_GLOB = join(__dirname, '..', '..', 'migrations', `*.${__filename.endsWith('.ts') ? 'ts' : 'js'}`);

const CLIENT_CHECK_INTERVAL_MS = 2000;

/** DataSource options shared by both databases, so PGlite and PostgreSQL run the same migrations and queries. */
export function dataSourceOptions(
  settings: DatabaseSettings,
  connection: { url?: string; host?: string; port?: number; username?: string; database?: string },
  poolSize: number,
): DataSourceOptions {
  const schema = settings.DATABASE_SCHEMA;
  // JIT compiling a metric statement costs more than it saves (measured: 2.2 s of a 3.8 s raw dashboard statement at
  // 1M tickets); the embedded database has no JIT.
  // client_connection_check_interval: a backend whose client died (a killed import, a crashed server) notices within
  // two seconds and stops its statement, instead of holding its locks until the statement ends.
  const startup = [
    schema ? `-c search_path=${schema}` : '',
    connection.url ? '-c jit=off' : '',
    connection.url ? `-c client_connection_check_interval=${CLIENT_CHECK_INTERVAL_MS}` : '',
  ].filter(Boolean);
  const startupOptions = startup.length ? startup.join(' ') : undefined;
  return {
    type: 'postgres',
    ...connection,
    schema,
    entities: ENTITIES,
    migrations: [MIGRATIONS_GLOB],
    migrationsTableName: 'typeorm_migrations',
    // Names this process's sessions, so a shutdown can cancel its own statements (cancelOwnStatements).
    applicationName: applicationName(),
    synchronize: false,
    logging: false,
    extra: {
      max: poolSize,
      options: startupOptions,
      // pg-pool's wait for a connection (idle or new): an unreachable PostgreSQL fails requests instead of holding them.
      // Not for the in-process PGlite, which cannot be cut off and whose one connection may be busy for long.
      ...(connection.url ? { connectionTimeoutMillis: settings.DATABASE_CONNECT_TIMEOUT_MS } : {}),
      ...(settings.DATABASE_STATEMENT_TIMEOUT_MS > 0 ? { statement_timeout: settings.DATABASE_STATEMENT_TIMEOUT_MS } : {}),
    },
  };
}

function applicationName(): string {
  // bin/deskmetrics.js runs a loading command in a child process: its sessions carry the pid the user started.
  return `deskmetrics-${process.env.DESKMETRICS_CLI_PID ?? process.pid}`;
}

/**
 * Cancels the statements this process's other sessions are running (PostgreSQL; the embedded database runs one
 * statement at a time in this process and cannot be interrupted). Resolves to how many were cancelled.
 */
export async function cancelOwnStatements(db: Database): Promise<number> {
  if (db.kind !== 'postgres' || !db.dataSource.isInitialized) return 0;
  const rows: { cancelled: boolean }[] = await db.dataSource.query(
    `SELECT pg_cancel_backend(pid) AS cancelled FROM pg_stat_activity
     WHERE application_name = $1 AND pid <> pg_backend_pid() AND state = 'active'`,
    [applicationName()],
  );
  return rows.filter((r) => r.cancelled).length;
}

/** How often a cancelling caller repeats the cancel: a statement may start between two cancels. */
const RECANCEL_INTERVAL_MS = 200;

/**
 * Runs `cancel` now and again every moment until the returned function is called: how a stopping process ends work that
 * starts statements one after another (a cancel between two of them would miss the next). Failures are ignored; the
 * next round tries again.
 */
export function keepCancelling(cancel: () => Promise<unknown>): () => void {
  const once = () => void cancel().catch(() => undefined);
  once();
  const timer = setInterval(once, RECANCEL_INTERVAL_MS);
  return () => clearInterval(timer);
}

/** Describes a PostgreSQL URL without its password. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

/**
 * Builds the configured DataSource without connecting (starting the embedded database when there is no DATABASE_URL).
 * `command` names the process in the embedded data folder's lock.
 */
export async function prepareDatabase(
  settings: DatabaseSettings,
  command?: string,
): Promise<{ dataSource: DataSource; embedded?: EmbeddedPostgres; description: string }> {
  let embedded: EmbeddedPostgres | undefined;
  let options: DataSourceOptions;
  let description: string;
  if (settings.DATABASE_URL) {
    options = dataSourceOptions(settings, { url: settings.DATABASE_URL }, settings.DATABASE_POOL_SIZE);
    description = `PostgreSQL ${redactUrl(settings.DATABASE_URL)}`;
  } else {
    embedded = await startEmbeddedPostgres(settings.DESKMETRICS_DATA_DIR, command);
    options = dataSourceOptions(settings, embedded.connection, 1);
    description = `embedded PGlite (${embedded.dataDir})`;
  }
  if (settings.DATABASE_SCHEMA) description += ` schema ${settings.DATABASE_SCHEMA}`;
  return { dataSource: new DataSource(options), embedded, description };
}

/** Who opens the database, for messages other processes show about it. */
export interface OpenOptions {
  /** Names this process in the embedded data folder's lock (e.g. 'serve', 'import'). */
  command?: string;
  /** Told when this process waits for another one migrating the same database. */
  onWait?: (message: string) => void;
}

function migrationLockKey(settings: DatabaseSettings): string {
  return settings.DATABASE_SCHEMA ?? '(search_path)';
}

/** Opens the configured database (DATABASE_URL, else embedded PGlite), creating DATABASE_SCHEMA when set; does not migrate. */
export async function openDatabase(settings: DatabaseSettings, options: OpenOptions = {}): Promise<Database> {
  const { dataSource, embedded, description } = await prepareDatabase(settings, options.command);
  try {
    await dataSource.initialize();
    const schema = settings.DATABASE_SCHEMA;
    if (schema) {
      // Two processes creating the schema at once would collide in the catalogue ("IF NOT EXISTS" does not lock).
      const [{ exists }] = await dataSource.query('SELECT EXISTS (SELECT FROM pg_namespace WHERE nspname = $1) AS exists', [schema]);
      if (!exists) {
        await dataSource.transaction(async (m) => {
          await m.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`, [migrationLockKey(settings)]);
          await m.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        });
      }
    }
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    kind: embedded ? 'pglite' : 'postgres',
    description,
    folderLock: embedded?.folderLock,
    async close() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/**
 * Opens the database, applies pending migrations, then runs afterMigrations (the rollup definitions: see
 * metrics/rollups/migrated-database.ts, since db/ knows no metric). Processes starting together on one database take
 * turns (a session advisory lock), so each finds the work of the one before it done.
 */
export async function openAndMigrate(
  settings: DatabaseSettings,
  options: OpenOptions,
  afterMigrations: (manager: EntityManager) => Promise<void>,
): Promise<Database> {
  const db = await openDatabase(settings, options);
  // One connection does all of it, holding the lock: the embedded database has no second one to give.
  const runner = db.dataSource.createQueryRunner();
  try {
    const key = [migrationLockKey(settings)];
    const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock(${MIGRATION_LOCK}) AS locked`, key);
    if (!locked) {
      options.onWait?.(`waiting for another process to finish migrating ${db.description}`);
      await runner.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK})`, key);
    }
    try {
      const migrations = new MigrationExecutor(db.dataSource, runner);
      migrations.transaction = 'each';
      await migrations.executePendingMigrations();
      await afterMigrations(runner.manager);
    } finally {
      await runner.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK})`, key);
    }
  } catch (err) {
    await runner.release();
    await db.close();
    throw err;
  }
  await runner.release();
  return db;
}
