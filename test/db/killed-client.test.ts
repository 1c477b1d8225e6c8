import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';

const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.info('killed-client: skipped on PGlite, which runs inside the killed process itself');

const DIST_DATA_SOURCE = join(__dirname, '..', '..', 'dist', 'src', 'db', 'data-source.js');

(onPostgres ? describe : describe.skip)('a client killed in the middle of a statement', () => {
  it('leaves no backend running its statement for long', async () => {
    const marker = `killed_client_${process.pid}_${Date.now()}`;
    // A process opens the database as deskmetrics does, starts a long statement and is killed with SIGKILL.
    const script = `
      const { openDatabase } = require(${JSON.stringify(DIST_DATA_SOURCE)});
      const { loadConfig } = require(${JSON.stringify(join(__dirname, '..', '..', 'dist', 'src', 'config', 'config.js'))});
      openDatabase(loadConfig(process.env)).then((db) => { console.log('started'); return db.dataSource.query("SELECT pg_sleep(60), '${marker}'"); });
    `;
    const child = spawn('node', ['-e', script], { env: { ...process.env, NODE_OPTIONS: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
    const watcher = new Client({ connectionString: process.env.DATABASE_URL });
    await watcher.connect();
    const running = async () =>
      Number(
        (await watcher.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%${marker}%`])).rows[0]
          .n,
      );
    try {
      for (let i = 0; (await running()) === 0; i++) {
        if (i > 300) throw new Error('the statement never started');
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGKILL');
      const killedAt = Date.now();
      while ((await running()) > 0 && Date.now() - killedAt < 20_000) await new Promise((r) => setTimeout(r, 200));
      // client_connection_check_interval is 2 s; without it the backend would sleep out its 60 s.
      expect(Date.now() - killedAt).toBeLessThan(10_000);
    } finally {
      child.kill('SIGKILL');
      await watcher.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE $1 AND pid <> pg_backend_pid()`, [`%${marker}%`]);
      await watcher.end();
    }
  }, 60_000);
});
