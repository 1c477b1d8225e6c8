import { rebuildPendingRollups } from '../../src/metrics/rollups/rollup-rebuild';
import {
  CLEAR_FULL_REBUILD_SQL,
  FULL_REBUILD_PENDING_SQL,
  FULL_REBUILD_VERSION_SQL,
  LOCK_PARALLEL_REBUILD_SQL,
  REBUILD_ALL_ROLLUPS_SQL,
  REFRESH_ROLLUPS_SQL,
  ROLLUPS_CURRENT_SQL,
  UNLOCK_PARALLEL_REBUILD_SQL,
} from '../../src/metrics/rollups/rollup-refresh';
import { ROLLUP_TABLES } from '../../src/metrics/rollups/rollup-tables';
import { loadConfig } from '../../src/config/config';
import { openMigratedDatabase } from '../../src/metrics/rollups/migrated-database';
import { useAcceptanceDatabase } from '../support/acceptance-database';
import { rollupRows } from '../support/rollup-rows';

/**
 * After a bulk load the rollups are rebuilt on several connections, each part (clear, one per event, finish) committed
 * on its own. Whatever happens between parts — the process stops, a write's refresh rebuilds everything itself, another
 * bulk load marks everything again — the rollups end as a rebuild in one transaction leaves them: the same rows, every
 * index, and no row twice.
 */
describe('a full rollup rebuild in parts', () => {
  const database = useAcceptanceDatabase();
  const q = (sql: string, params?: unknown[]) => database().dataSource.query(sql, params);
  const indexes = () =>
    q(`SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename LIKE '%\\_rollup%' ORDER BY 1`).then(
      (r: { indexdef: string }[]) => r.map((x) => x.indexdef),
    );
  const part = (table: string, name: string, version: string) => q('SELECT rebuild_rollup_part($1, $2, $3)', [table, name, version]);
  const mark = async (): Promise<string> => {
    await q(REBUILD_ALL_ROLLUPS_SQL);
    const [{ version }] = await q(FULL_REBUILD_VERSION_SQL);
    return String(version);
  };
  const current = async () => (await q(ROLLUPS_CURRENT_SQL))[0].current;
  let reference: { rows: Record<string, string[]>; indexes: string[] };

  beforeAll(async () => {
    await q(REBUILD_ALL_ROLLUPS_SQL);
    await q(REFRESH_ROLLUPS_SQL);
    reference = { rows: await rollupRows(database().dataSource), indexes: await indexes() };
    expect(reference.indexes.length).toBeGreaterThan(ROLLUP_TABLES.length * 2);
    expect(reference.rows.ticket_rollup.length).toBeGreaterThan(0);
  }, 300_000);

  async function expectAsReference() {
    expect(await indexes()).toEqual(reference.indexes);
    const rows = await rollupRows(database().dataSource);
    for (const table of Object.keys(reference.rows)) expect({ table, rows: rows[table] }).toEqual({ table, rows: reference.rows[table] });
    expect(await q('SELECT definition FROM rollup_dropped_indexes')).toEqual([]);
    expect(await current()).toBe(true);
  }

  it('gives the rows and indexes of a rebuild in one transaction', async () => {
    await q(REBUILD_ALL_ROLLUPS_SQL);
    await rebuildPendingRollups(database().dataSource, { connections: 2 });
    await expectAsReference();
  }, 300_000);

  it('when stopped between parts, is completed by the next rebuild', async () => {
    const version = await mark();
    for (const t of ROLLUP_TABLES) await part(t.name, 'clear', version);
    await part('ticket_rollup', 'created', version);
    // The state a stop leaves: indexes dropped (their definitions kept), some rows in, the mark still set.
    expect((await indexes()).length).toBeLessThan(reference.indexes.length);
    expect((await q('SELECT definition FROM rollup_dropped_indexes')).length).toBe(reference.indexes.length - (await indexes()).length);
    expect(await current()).toBe(false);
    await rebuildPendingRollups(database().dataSource, { connections: 2 });
    await expectAsReference();
  }, 300_000);

  it('when stopped between parts, is completed by a refresh in one transaction', async () => {
    const version = await mark();
    for (const t of ROLLUP_TABLES) await part(t.name, 'clear', version);
    await part('ticket_rollup', 'resolved', version);
    await part('message_rollup', 'sent', version);
    await q(REFRESH_ROLLUPS_SQL);
    await expectAsReference();
  }, 300_000);

  it('adds no row twice when a write rebuilt everything between its parts', async () => {
    const version = await mark();
    for (const t of ROLLUP_TABLES) await part(t.name, 'clear', version);
    await part('ticket_rollup', 'created', version);
    // A write's refresh sees the mark and rebuilds every rollup itself, withdrawing the mark.
    await q(REFRESH_ROLLUPS_SQL);
    for (const t of ROLLUP_TABLES) {
      for (const event of t.events) await part(t.name, event, version);
      await part(t.name, 'finish', version);
    }
    await q(CLEAR_FULL_REBUILD_SQL, [version]);
    await q(REFRESH_ROLLUPS_SQL);
    await expectAsReference();
  }, 300_000);

  it('leaves a mark set again meanwhile for the next rebuild', async () => {
    const version = await mark();
    for (const t of ROLLUP_TABLES) await part(t.name, 'clear', version);
    // Another bulk load commits: the mark has a new version, and the parts of the rebuild in progress do nothing.
    const again = await mark();
    expect(again).not.toBe(version);
    await part('ticket_rollup', 'created', version);
    expect(await q('SELECT count(*)::int AS n FROM ticket_rollup')).toEqual([{ n: 0 }]);
    await q(CLEAR_FULL_REBUILD_SQL, [version]);
    expect(await q(FULL_REBUILD_PENDING_SQL)).toEqual([{ pending: true }]);
    await rebuildPendingRollups(database().dataSource, { connections: 2 });
    await expectAsReference();
  }, 300_000);

  // Another process opening the same schema (PostgreSQL only: an in-memory PGlite is a database of its own).
  const onPostgres = process.env.DATABASE_URL ? it : it.skip;
  const openAgain = (env: Record<string, string>) =>
    openMigratedDatabase(
      loadConfig({
        ...process.env,
        DESKMETRICS_DATA_DIR: 'memory://',
        DATABASE_SCHEMA: String((database().dataSource.options as { schema?: string }).schema),
        ...env,
      }),
    );

  onPostgres(
    'is run by a process starting after a definition change, before it serves',
    async () => {
      await q(`UPDATE rollup_state SET definition_hash = 'an earlier definition'`);
      await q('DELETE FROM ticket_rollup_daily');
      const db = await openAgain({});
      try {
        expect((await db.dataSource.query(ROLLUPS_CURRENT_SQL))[0].current).toBe(true);
      } finally {
        await db.close();
      }
      await expectAsReference();
    },
    300_000,
  );

  onPostgres(
    'waits for no more connections than the pool holds',
    async () => {
      await mark();
      // One connection: the rebuild cannot hold one to coordinate and take others for its parts.
      const db = await openAgain({ DATABASE_POOL_SIZE: '1', DATABASE_CONNECT_TIMEOUT_MS: '2000' });
      await db.close();
      await expectAsReference();
    },
    300_000,
  );

  /** Another process's rebuild in progress: it holds the rebuild lock until `end`. */
  async function anotherRebuild() {
    const other = await openAgain({});
    const runner = other.dataSource.createQueryRunner();
    await runner.query(LOCK_PARALLEL_REBUILD_SQL);
    let ended = false;
    return {
      async end() {
        if (ended) return;
        ended = true;
        await runner.query(UNLOCK_PARALLEL_REBUILD_SQL);
        await runner.release();
        await other.close();
      },
    };
  }

  onPostgres(
    'after a load, waits for a rebuild in progress however long it takes, then rebuilds',
    async () => {
      // It runs for longer than this process's statement timeout.
      const db = await openAgain({ DATABASE_STATEMENT_TIMEOUT_MS: '500' });
      const other = await anotherRebuild();
      try {
        await mark();
        const rebuilt = rebuildPendingRollups(db.dataSource);
        await new Promise((r) => setTimeout(r, 1500));
        expect(await current()).toBe(false);
        await other.end();
        await rebuilt;
      } finally {
        await other.end();
        await db.close();
      }
      await expectAsReference();
    },
    300_000,
  );

  onPostgres(
    'at start, leaves the marks to a rebuild in progress instead of waiting for it',
    async () => {
      const other = await anotherRebuild();
      try {
        await mark();
        await (await openAgain({})).close();
        expect(await current()).toBe(false);
      } finally {
        await other.end();
      }
      await rebuildPendingRollups(database().dataSource);
      await expectAsReference();
    },
    300_000,
  );
});
