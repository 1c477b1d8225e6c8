import type { DataSource, QueryRunner } from 'typeorm';
import { inOwnTransaction } from '../db/own-transaction';

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
export const inImportTransaction = (dataSource: DataSource, work: (runner: QueryRunner) => Promise<unknown>): Promise<void> =>
  inOwnTransaction(dataSource, startImportTransaction, work);
