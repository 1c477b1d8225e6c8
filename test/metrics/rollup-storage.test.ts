import { METRICS } from '../../src/metrics/registry';
import { rollupLayouts } from '../../src/metrics/rollups/rollup-layout';
import { rebuildPendingRollups } from '../../src/metrics/rollups/rollup-rebuild';
import { installRollupDefinitions } from '../../src/metrics/rollups/rollup-refresh';
import { useAcceptanceDatabase } from '../support/acceptance-database';

/**
 * The sorted duration arrays that percentiles search are stored uncompressed (STORAGE EXTERNAL), also in a database
 * whose rollup columns were created before: the installer changes the columns and rebuilds their rows.
 */
describe('rollup column storage', () => {
  const database = useAcceptanceDatabase();
  const external = rollupLayouts(METRICS).flatMap(({ table, columns }) =>
    columns.filter((c) => c.storage === 'external').flatMap((c) => [table.name, `${table.name}_daily`].map((t) => ({ table: t, column: c.column }))),
  );
  const storageOf = async (table: string, column: string): Promise<string> =>
    (await database().dataSource.query(`SELECT attstorage AS s FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2`, [table, column]))[0]
      .s;

  it('declares the duration arrays external', () => {
    expect(external.map((e) => e.column)).toEqual(expect.arrayContaining(['fr_values', 'res_values', 'reply_wait_values']));
  });

  it('makes compressed columns of an older database external, and their large arrays uncompressed', async () => {
    const db = database().dataSource;
    for (const { table, column } of external) expect([table, column, await storageOf(table, column)]).toEqual([table, column, 'e']);
    // A day with arrays larger than a page's share, which PostgreSQL moves out of line (compressed unless external).
    await db.query(
      `INSERT INTO tickets (external_id, channel, created_at, first_response_at, resolved_at)
       SELECT 'storage-' || g, 'email', t, t + (g * 37 % 5000) * interval '1 second', t + (g * 91 % 90000) * interval '1 second'
       FROM generate_series(1, 800) g, LATERAL (SELECT timestamptz '2025-03-04 08:00Z' + g * interval '20 second' AS t) x`,
    );
    for (const { table, column } of external) await db.query(`ALTER TABLE ${table} ALTER COLUMN "${column}" SET STORAGE EXTENDED`);
    // Rows written under the old storage: large arrays compressed.
    await db.query(`UPDATE rollup_state SET definition_hash = 'older'`);
    await db.query(`INSERT INTO rollup_dirty_hours (hour) VALUES ('-infinity') ON CONFLICT DO NOTHING`);
    await db.query('SELECT refresh_rollups()');
    const compressed = async () =>
      Number(
        (
          await db.query(
            `SELECT count(*) AS n FROM ticket_rollup_daily WHERE pg_column_compression(fr_values) IS NOT NULL OR pg_column_compression(res_values) IS NOT NULL`,
          )
        )[0].n,
      );
    expect(await compressed()).toBeGreaterThan(0);

    await installRollupDefinitions(db, 'UTC', METRICS);
    await rebuildPendingRollups(db);
    for (const { table, column } of external) expect([table, column, await storageOf(table, column)]).toEqual([table, column, 'e']);
    expect(await compressed()).toBe(0);
    const [{ n }] = await db.query(`SELECT count(*) AS n FROM ticket_rollup_daily WHERE pg_column_size(fr_values) > 6000`);
    expect(Number(n)).toBeGreaterThan(0);
  }, 300_000);
});
