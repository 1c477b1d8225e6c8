import { openAndMigrate, type Database, type DatabaseSettings, type OpenOptions } from '../../db/data-source';
import { rebuildPendingRollups } from './rollup-rebuild';
import { installRollupDefinitions } from './rollup-refresh';

export interface MigratedOpenOptions extends OpenOptions {
  /**
   * On PostgreSQL, leave the rollups that are marked for a rebuild to the caller's RollupBuilder (a server, which serves
   * meanwhile) instead of rebuilding them before returning. The embedded database rebuilds them before returning.
   */
  rollupsInBackground?: boolean;
}

/**
 * Opens the database and applies pending migrations and rollup definitions (the rollups are built from the metric
 * definitions, which db/ does not import). Rollups whose definitions changed are rebuilt before it returns, on one
 * connection per core (metrics read the raw tables meanwhile), and so are those a stopped bulk load left marked; unless
 * another process is rebuilding them (or importing), which then does it, or `rollupsInBackground`.
 */
export async function openMigratedDatabase(settings: DatabaseSettings, options: MigratedOpenOptions = {}): Promise<Database> {
  const db = await openAndMigrate(settings, options, (manager) => installRollupDefinitions(manager, settings.ROLLUP_TIMEZONE ?? 'UTC'));
  if (options.rollupsInBackground && db.kind === 'postgres') return db;
  try {
    await rebuildPendingRollups(db.dataSource, { waitForOthers: false });
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
