import { DEFER_ROLLUPS_SQL, REBUILD_ALL_ROLLUPS_SQL, REFRESH_ROLLUPS_SQL } from '../../src/metrics/rollups/rollup-refresh';
import { useAcceptanceDatabase } from '../support/acceptance-database';
import { rollupRows as rollupRowsOf } from '../support/rollup-rows';

/**
 * The rollups are a function of the facts, not of where the facts sit on disk: the same tickets stored in another
 * physical order give byte-identical rollup rows (the pending-deadline arrays included). The fault drill found daily rows
 * whose arrays held the same deadlines in another order after a re-import had rewritten the tickets.
 */
describe('rollup rows do not depend on the physical order of the facts', () => {
  const database = useAcceptanceDatabase();

  const rollupRows = () => rollupRowsOf(database().dataSource);

  async function rebuild() {
    await database().dataSource.query(REBUILD_ALL_ROLLUPS_SQL);
    await database().dataSource.query(REFRESH_ROLLUPS_SQL);
  }

  it('gives the same rows after the tickets are rewritten in another order', async () => {
    // Two open tickets of one segment created in one hour: both deadlines land in the same rollup row's array.
    await database().dataSource.transaction(async (m) => {
      await m.query(DEFER_ROLLUPS_SQL);
      for (const [suffix, minutes] of [
        ['a', 1],
        ['b', 2],
      ] as const) {
        await m.query(
          `INSERT INTO tickets (external_id, customer_id, channel, product, priority, created_at)
           SELECT external_id || '-order-${suffix}', customer_id, channel, product, priority, date_trunc('hour', created_at) + ${minutes} * interval '1 minute'
             FROM tickets WHERE external_id = (SELECT min(external_id) FROM tickets)`,
        );
      }
    });
    await rebuild();
    const before = await rollupRows();
    // The first one rewritten: its new row version now sits after the second's, so a scan meets them the other way round.
    await database().dataSource.transaction(async (m) => {
      await m.query(DEFER_ROLLUPS_SQL);
      await m.query(`UPDATE tickets SET external_id = external_id WHERE external_id LIKE '%-order-a'`);
    });
    await rebuild();
    const after = await rollupRows();
    for (const table of Object.keys(before)) expect({ table, rows: after[table] }).toEqual({ table, rows: before[table] });
  }, 120_000);
});
