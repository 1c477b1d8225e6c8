import { cancelOwnStatements } from '../../src/db/data-source';
import { folderSource } from '../../src/import/folder-source';
import { importFolder } from '../../src/import/import-command';
import { importDataset } from '../../src/import/import-dataset';
import { ROLLUP_BUILDER_PRESENT_SQL, RollupBuilder } from '../../src/metrics/rollups/rollup-builder';
import { rebuildPendingRollups } from '../../src/metrics/rollups/rollup-rebuild';
import { REBUILD_ALL_ROLLUPS_SQL, REFRESH_ROLLUPS_SQL, ROLLUPS_CURRENT_SQL } from '../../src/metrics/rollups/rollup-refresh';
import { BASE_DATASET, removeDatasets, writeDataset } from '../import/dataset-helpers';
import { rollupRows } from '../support/rollup-rows';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

/**
 * A server's rollup builder (PostgreSQL): an import that leaves the rebuild after its commit to it returns as soon as
 * its rows commit, and the builder brings the rollups to what a rebuild in one transaction gives.
 */
const onPostgres = process.env.DATABASE_URL ? describe : describe.skip;

onPostgres('the rollup builder of a server', () => {
  let db: TestDatabase;
  const q = (sql: string, params?: unknown[]) => db.dataSource.query(sql, params);
  const current = async () => (await q(ROLLUPS_CURRENT_SQL))[0].current as boolean;
  const present = async () => (await q(ROLLUP_BUILDER_PRESENT_SQL))[0].present as boolean;
  const builders: RollupBuilder[] = [];
  const startBuilder = async () => {
    const builder = await RollupBuilder.start(db.dataSource, { cancelStatements: () => cancelOwnStatements(db) });
    builders.push(builder);
    return builder;
  };

  async function untilCurrent(): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!(await current())) {
      if (Date.now() > deadline) throw new Error('the rollups did not become current within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The rollups as a rebuild of everything in one transaction leaves them (built again from the raw rows). */
  async function expectAsRebuiltInOneTransaction(): Promise<void> {
    const built = await rollupRows(db.dataSource);
    expect(built.ticket_rollup.length).toBeGreaterThan(0);
    expect(built.message_rollup_daily.length).toBeGreaterThan(0);
    await q(REBUILD_ALL_ROLLUPS_SQL);
    await q(REFRESH_ROLLUPS_SQL);
    expect(built).toEqual(await rollupRows(db.dataSource));
  }

  /** A bulk load of the base dataset (small batches make its files bulk loads, which rebuild every rollup). */
  const bulkImport = (leaveRollupsToServer: boolean) =>
    importDataset(db.dataSource, folderSource(writeDataset(BASE_DATASET)), { batchSize: 1, leaveRollupsToServer });

  beforeEach(async () => {
    db = await createTestDatabase();
  });
  afterEach(async () => {
    for (const b of builders.splice(0)) await b.stop();
    await db.destroy();
  });
  afterAll(() => removeDatasets());

  it('is seen by imports while it runs, and not after it stops', async () => {
    expect(await present()).toBe(false);
    const builder = await startBuilder();
    expect(await present()).toBe(true);
    await builder.stop();
    expect(await present()).toBe(false);
  });

  it('builds the rollups an import left to it after its commit', async () => {
    await startBuilder();
    const summary = await bulkImport(true);
    expect(summary.rollupsLeftToServer).toBe(true);
    expect(summary.finishing.rollups).toBe(0);
    const [run] = await q(`SELECT (summary->>'rollupsLeftToServer')::boolean AS left FROM import_runs WHERE id = $1`, [summary.runId]);
    expect(run.left).toBe(true);
    await untilCurrent();
    await expectAsRebuiltInOneTransaction();
  }, 120_000);

  it('`deskmetrics import` says the server builds them, unless --wait-for-rollups', async () => {
    await startBuilder();
    const run = async (waitForRollups: boolean) => {
      let stdout = '';
      const output = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true } };
      const code = await importFolder(
        db.dataSource,
        'test',
        writeDataset(BASE_DATASET),
        { skipInvalid: false, batchSize: 1, waitForRollups },
        output,
      );
      expect(code).toBe(0);
      return stdout;
    };
    expect(await run(false)).toContain('The rollups are being rebuilt by the deskmetrics server running on this database');
    await untilCurrent();
    await expectAsRebuiltInOneTransaction();
    // Into empty tables again, with the builder still there: this time the import builds them before it returns.
    await q('TRUNCATE customers, agents, tickets, messages, surveys, orders, agent_activity, sla_policies CASCADE');
    await untilCurrent();
    expect(await run(true)).not.toContain('rebuilt by the deskmetrics server');
    expect(await current()).toBe(true);
    await expectAsRebuiltInOneTransaction();
  }, 120_000);

  it('leaves nothing undone when no builder runs: the import builds them itself', async () => {
    const summary = await bulkImport(true);
    expect(summary.rollupsLeftToServer).toBe(false);
    expect(await current()).toBe(true);
    await expectAsRebuiltInOneTransaction();
  }, 120_000);

  it('builds at start what is marked', async () => {
    await bulkImport(false);
    await q(REBUILD_ALL_ROLLUPS_SQL);
    expect(await current()).toBe(false);
    await startBuilder();
    await untilCurrent();
    await expectAsRebuiltInOneTransaction();
  }, 120_000);

  it('stopped during a rebuild, cancels it and leaves the mark for the next', async () => {
    await bulkImport(false);
    await q(REBUILD_ALL_ROLLUPS_SQL);
    // Another session holds a rollup table: the builder's rebuild waits on it until stop() cancels its statements.
    const blocker = db.dataSource.createQueryRunner();
    await blocker.startTransaction();
    await blocker.query('LOCK TABLE message_rollup_daily IN ACCESS EXCLUSIVE MODE');
    try {
      const builder = await startBuilder();
      const deadline = Date.now() + 30_000;
      while (!builder.building && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // Long enough for its parts to be waiting on the lock.
      await new Promise((r) => setTimeout(r, 1000));
      expect(builder.building).toBe(true);
      await builder.stop();
      expect(builder.building).toBe(false);
    } finally {
      await blocker.rollbackTransaction();
      await blocker.release();
    }
    expect(await current()).toBe(false);
    await rebuildPendingRollups(db.dataSource);
    await expectAsRebuiltInOneTransaction();
  }, 120_000);
});
