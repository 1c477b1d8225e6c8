import type { SqlExecutor, StatementOptions } from '../../src/db/sql-executor';
import { folderSource, importDataset } from '../../src/import';
import { ACCEPTANCE_DIR } from './expected-cases';
import { createTestDatabase, type TestDatabase } from './test-database';

/**
 * A test database holding the acceptance fixture, opened before the calling describe block's tests and dropped after
 * them; the returned function gives it to the tests.
 */
export function useAcceptanceDatabase(env: Record<string, string> = {}): () => TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(env);
    await importDataset(db.dataSource, folderSource(ACCEPTANCE_DIR), { sourceName: 'acceptance' });
  }, 300_000);
  afterAll(async () => db?.destroy());
  return () => db!;
}

/**
 * A SqlExecutor over a test database that records each statement's text in `statements` (reads only), and in
 * `reusable` those whose plan was declared reusable (StatementOptions).
 */
export function recordingExecutor(database: () => TestDatabase, statements: string[], reusable: string[] = []): SqlExecutor {
  return {
    query: async <T>(text: string, params: unknown[], options?: StatementOptions) => {
      statements.push(text);
      if (options?.reusePlan) reusable.push(text);
      return (await database().dataSource.query(text, params)) as T[];
    },
    transaction: () => Promise.reject(new Error('not used')),
  };
}
