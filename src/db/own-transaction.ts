import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` in a transaction of its own on a connection of the pool and commits; `start` begins the transaction
 * with its settings. The transaction is rolled back if anything fails.
 */
export async function inOwnTransaction(
  dataSource: DataSource,
  start: (runner: QueryRunner) => Promise<void>,
  work: (runner: QueryRunner) => Promise<unknown>,
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await start(runner);
    await work(runner);
    await runner.commitTransaction();
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}
