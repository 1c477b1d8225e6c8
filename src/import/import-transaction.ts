import { availableParallelism } from 'node:os';
import type { DataSource, QueryRunner } from 'typeorm';
import { CLEAR_FULL_REBUILD_SQL, FULL_REBUILD_PENDING_SQL, REFRESH_ROLLUPS_SQL } from '../metrics/rollups/rollup-refresh';
import { ROLLUP_TABLES } from '../metrics/rollups/rollup-tables';

/** Starts the transaction of an import, with its settings. */
export async function startImportTransaction(runner: QueryRunner): Promise<void> {
  await runner.startTransaction();
  // The configured statement timeout guards API queries; a large import's statements may legitimately run longer.
  await runner.query('SET LOCAL statement_timeout = 0');
  // The batch statements are cheap but look expensive to the planner; JIT compiling them costs more than running them.
  await runner.query('SET LOCAL jit = off');
  // Sorts and hashes of the batch statements and of the derivation stay in memory instead of spilling to disk.
  await runner.query(`SET LOCAL work_mem = '64MB'`);
}

/** Runs `work` in a transaction of its own with an import's settings, and commits. */
export async function inImportTransaction(dataSource: DataSource, work: (runner: QueryRunner) => Promise<unknown>): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await startImportTransaction(runner);
    await work(runner);
    await runner.commitTransaction();
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}

/** Whether every rollup is marked for a rebuild (by a bulk load whose rebuild was deferred). */
export async function fullRebuildPending(db: { query: (sql: string) => Promise<{ pending: boolean }[]> }): Promise<boolean> {
  const [{ pending }] = await db.query(FULL_REBUILD_PENDING_SQL);
  return pending === true;
}

/** Applies the rollup marks committed by runs with deferFullRollupRebuild (nothing to do when there are none). */
export const refreshRollups = (dataSource: DataSource) => inImportTransaction(dataSource, (runner) => runner.query(REFRESH_ROLLUPS_SQL));

/**
 * Rebuilds every rollup when a committed bulk load left them marked for it: each rollup in a transaction of its own,
 * up to `connections` at once (they are independent: each reads the raw tables), then the mark is cleared with any
 * other marks applied. Metrics read the raw tables until then (ROLLUPS_CURRENT_SQL). On one connection (the embedded
 * database, or one core) this is refreshRollups: one transaction.
 */
export async function rebuildPendingRollups(
  dataSource: DataSource,
  connections = Math.min(ROLLUP_TABLES.length, availableParallelism()),
): Promise<void> {
  const [{ version }] = await dataSource.query('SELECT version() AS version');
  if (connections < 2 || /PGlite/i.test(version)) return refreshRollups(dataSource);
  if (!(await fullRebuildPending(dataSource))) return refreshRollups(dataSource);
  const queue = ROLLUP_TABLES.map((t) => t.name);
  const worker = async () => {
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      const table = name;
      await inImportTransaction(dataSource, (runner) => runner.query('SELECT rebuild_rollup_table($1)', [table]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(connections, queue.length) }, worker));
  // A write committed meanwhile refreshed under refresh_rollups(), which waited for the rebuilds and, seeing the mark,
  // rebuilt everything itself; so clearing the mark here loses nothing. Marks left without a refresh (a deferred
  // sync's) are applied by the refresh after it.
  await inImportTransaction(dataSource, async (runner) => {
    await runner.query(CLEAR_FULL_REBUILD_SQL);
    await runner.query(REFRESH_ROLLUPS_SQL);
    await runner.query('UPDATE rollup_state SET refreshed_at = now()');
  });
}
