import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';
import { openMigratedDatabase } from '../../src/metrics/rollups/migrated-database';
import { lockSessions } from '../support/pg-sessions';

const BIN = join(__dirname, '..', '..', 'bin', 'deskmetrics.js');
const FIXTURE = join(__dirname, '..', 'fixtures', 'acceptance');
const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.info('import-signal: skipped on PGlite, which runs inside the interrupted process (it stops at once)');

(onPostgres ? describe : describe.skip)('deskmetrics import on Ctrl-C', () => {
  it('cancels its statements, rolls back, says so and exits 130', async () => {
    const schema = `test_sigint_${process.pid}_${randomBytes(4).toString('hex')}`;
    const db = await openMigratedDatabase({ ...loadConfig(process.env), DATABASE_SCHEMA: schema }, { command: 'test' });
    await db.close();
    const sessions = await lockSessions();
    const watcher = sessions.holder;
    const env = { ...process.env, NODE_OPTIONS: '', DATABASE_SCHEMA: schema };
    const child = spawn('node', [BIN, 'import', FIXTURE], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const ours = (condition: string) => sessions.sessionsOf(child.pid!, condition);
    try {
      // The import's writes wait behind this lock, so the signal lands while a statement of the import runs.
      await watcher.query('BEGIN');
      await watcher.query(`LOCK TABLE "${schema}".customers, "${schema}".agents, "${schema}".tickets IN ACCESS EXCLUSIVE MODE`);
      for (let i = 0; (await ours(`wait_event_type = 'Lock'`)) === 0; i++) {
        if (i > 600 || child.exitCode !== null)
          throw new Error(`the import never waited on the lock:
${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGINT');
      expect(await exited).toBe(130);
      expect(stderr).toContain('import interrupted by SIGINT: rolled back');
      await watcher.query('COMMIT');
      expect(await ours('true')).toBe(0);
      const { rows } = await watcher.query(
        `SELECT (SELECT count(*) FROM "${schema}".tickets)::int AS tickets, (SELECT count(*) FROM "${schema}".import_runs)::int AS runs`,
      );
      expect(rows[0]).toEqual({ tickets: 0, runs: 0 });
    } finally {
      child.kill('SIGKILL');
      await sessions.end(schema);
    }
  }, 120_000);
});
