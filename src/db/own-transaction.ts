import type { DataSource, QueryRunner } from 'typeorm';

/**
 * Runs `work` in a transaction on `runner` and commits; `start` begins the transaction with its settings. The
 * transaction is rolled back if anything fails. The runner stays the caller's (a session lock taken in it outlives it).
 */
export async function inTransaction(
  runner: QueryRunner,
  start: (runner: QueryRunner) => Promise<void>,
  work: (runner: QueryRunner) => Promise<unknown>,
): Promise<void> {
  try {
    await start(runner);
    await work(runner);
    await runner.commitTransaction();
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  }
}

/** inTransaction on a connection of the pool of its own, released after. */
export async function inOwnTransaction(
  dataSource: DataSource,
  start: (runner: QueryRunner) => Promise<void>,
  work: (runner: QueryRunner) => Promise<unknown>,
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await inTransaction(runner, start, work);
  } finally {
    await runner.release();
  }
}
