import { randomBytes } from 'node:crypto';
import { loadConfig } from '../../src/config/config';
import type { Database } from '../../src/db/data-source';
import { openMigratedDatabase } from '../../src/metrics/rollups/migrated-database';

const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) {
  // eslint-disable-next-line no-console
  console.info('migration-lock: skipped on PGlite, where one process holds the data folder (data-folder-lock.test.ts)');
}

(onPostgres ? describe : describe.skip)('migrations of processes starting together', () => {
  it('run once: two processes starting on an unmigrated database both come up', async () => {
    const schema = `test_race_${process.pid}_${randomBytes(4).toString('hex')}`;
    const settings = { ...loadConfig(process.env), DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: 2 };
    const opened = await Promise.allSettled([
      openMigratedDatabase(settings, { command: 'test' }),
      openMigratedDatabase(settings, { command: 'test' }),
    ]);
    const dbs = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    try {
      expect(opened.map((o) => (o.status === 'rejected' ? String(o.reason) : 'ok'))).toEqual(['ok', 'ok']);
      const [{ n }] = await dbs[0].dataSource.query('SELECT count(*)::int AS n FROM typeorm_migrations');
      expect(n).toBe(dbs[0].dataSource.migrations.length);
    } finally {
      const any: Database | undefined = dbs[0];
      if (any) await any.dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
      for (const db of dbs) await db.close();
    }
  }, 120_000);

  it('say that they wait while another process migrates, and go on when it is done', async () => {
    const schema = `test_wait_${process.pid}_${randomBytes(4).toString('hex')}`;
    const settings = { ...loadConfig(process.env), DATABASE_SCHEMA: schema, DATABASE_POOL_SIZE: 2 };
    const first = await openMigratedDatabase(settings, { command: 'test' });
    const holder = first.dataSource.createQueryRunner();
    try {
      // The lock a migrating process holds (data-source.ts' MIGRATION_LOCK).
      await holder.query('SELECT pg_advisory_lock(42110, hashtext($1))', [schema]);
      const said: string[] = [];
      let saidWaiting!: () => void;
      const waiting = new Promise<void>((resolve) => (saidWaiting = resolve));
      const second = openMigratedDatabase(settings, { command: 'test', onWait: (m) => (said.push(m), saidWaiting()) });
      await waiting;
      expect(said).toEqual([expect.stringContaining('waiting for another process to finish migrating')]);
      await holder.query('SELECT pg_advisory_unlock(42110, hashtext($1))', [schema]);
      await (await second).close();
    } finally {
      await holder.release();
      await first.dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
      await first.close();
    }
  }, 120_000);
});
