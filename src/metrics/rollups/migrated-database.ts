import { openAndMigrate, type Database, type DatabaseSettings, type OpenOptions } from '../../db/data-source';
import { rebuildPendingRollups } from './rollup-rebuild';
import { installRollupDefinitions } from './rollup-refresh';

/**
 * Opens the database and applies pending migrations and rollup definitions (the rollups are built from the metric
 * definitions, which db/ does not import). Rollups whose definitions changed are rebuilt before it returns, on one
 * connection per core (metrics read the raw tables meanwhile), and so are those a stopped bulk load left marked; unless
 * another process is rebuilding them (or importing), which then does it.
 */
export async function openMigratedDatabase(settings: DatabaseSettings, options: OpenOptions = {}): Promise<Database> {
  const db = await openAndMigrate(settings, options, (manager) => installRollupDefinitions(manager, settings.ROLLUP_TIMEZONE ?? 'UTC'));
  try {
    await rebuildPendingRollups(db.dataSource, { waitForOthers: false });
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}
