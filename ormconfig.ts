import 'reflect-metadata';
import { loadConfig } from './src/config/config';
import { prepareDatabase } from './src/db/data-source';

/**
 * The DataSource for the TypeORM CLI (`npm run migration:generate -- migrations/Name`), built from the same
 * configuration as the server: DATABASE_URL when set, else the embedded PGlite database. The CLI connects it itself.
 */
export default prepareDatabase(loadConfig()).then((db) => db.dataSource);
