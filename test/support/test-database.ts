import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config';
import type { Database } from '../../src/db/data-source';
import { openMigratedDatabase } from '../../src/metrics/rollups/migrated-database';

/** A migrated database of its own for one test file: a fresh schema on DATABASE_URL's PostgreSQL, else an in-memory PGlite. */
export interface TestDatabase extends Database {
  /** Drops the test's schema (PostgreSQL) and closes the connection. */
  destroy(): Promise<void>;
}

/** Opens a throwaway, fully migrated database; runs on whichever database the environment selects. */
export async function createTestDatabase(env: Record<string, string> = {}): Promise<TestDatabase> {
  const base = loadConfig({ ...process.env, DESKMETRICS_DATA_DIR: 'memory://', ...env });
  const schema = base.DATABASE_URL ? `test_${process.pid}_${randomBytes(4).toString('hex')}` : undefined;
  const db = await openMigratedDatabase({ ...base, DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: 4 });
  return Object.assign(db, {
    async destroy() {
      if (schema) {
        // A test may have closed the pool on purpose; the schema is still dropped so runs leave nothing behind.
        if (!db.dataSource.isInitialized) await db.dataSource.initialize();
        await db.dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
      }
      await db.close();
    },
  });
}
