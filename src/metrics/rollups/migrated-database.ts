import { openAndMigrate, type Database, type DatabaseSettings, type OpenOptions } from '../../db/data-source';
import { installRollups } from './rollup-refresh';

/**
 * Opens the database and applies pending migrations and rollup definitions (the rollups are built from the metric
 * definitions, which db/ does not import).
 */
export function openMigratedDatabase(settings: DatabaseSettings, options: OpenOptions = {}): Promise<Database> {
  return openAndMigrate(settings, options, (manager) => installRollups(manager, settings.ROLLUP_TIMEZONE ?? 'UTC'));
}
