import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { ROLLUPS_CURRENT_SQL } from '../../src/metrics/rollups/rollup-refresh';
import { lockSessions } from '../support/pg-sessions';

const BIN = join(__dirname, '..', '..', 'bin', 'deskmetrics.js');
const onPostgres = Boolean(process.env.DATABASE_URL);
if (!onPostgres) console.info('serve-shutdown: skipped on PGlite, whose statements run in the server process and cannot be cancelled');

(onPostgres ? describe : describe.skip)('deskmetrics serve on SIGTERM', () => {
  it('cancels the statements of requests that outlive SHUTDOWN_TIMEOUT_MS, answers them, and exits 1', async () => {
    const schema = `test_drain_${process.pid}_${randomBytes(4).toString('hex')}`;
    const env = {
      ...process.env,
      NODE_OPTIONS: '',
      DATABASE_SCHEMA: schema,
      DESKMETRICS_DEMO: 'off',
      PORT: '0',
      HOST: '127.0.0.1',
      SHUTDOWN_TIMEOUT_MS: '1000',
      LOG_LEVEL: 'info',
    };
    const child = spawn('node', [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const sessions = await lockSessions();
    const watcher = sessions.holder;
    try {
      for (let i = 0; !/deskmetrics is serving/.test(output); i++) {
        if (i > 900 || child.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      // The server builds the new schema's rollups in the background once it serves: that is done first.
      await watcher.query(`SELECT set_config('search_path', $1, false)`, [`"${schema}"`]);
      for (let i = 0; !(await watcher.query(ROLLUPS_CURRENT_SQL)).rows[0].current; i++) {
        if (i > 300) throw new Error(`the rollups were not built:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const key = /^ {4}(\S+)$/m.exec(output)![1];
      const port = /"url":"http:\/\/localhost:(\d+)\/graphql"/.exec(output)![1];
      // A request stuck behind a lock stands in for a long statement.
      await watcher.query('BEGIN');
      await watcher.query(`LOCK TABLE "${schema}".tickets, "${schema}".ticket_rollup, "${schema}".ticket_rollup_daily IN ACCESS EXCLUSIVE MODE`);
      const answer = fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ ticketVolume(period: { from: "2025-01-01T00:00:00Z", to: "2025-02-01T00:00:00Z" }) { value } }' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { errors?: { message: string }[] } }));
      const waiting = () => sessions.sessionsOf(child.pid!, `wait_event_type = 'Lock'`);
      for (let i = 0; (await waiting()) === 0; i++) {
        if (i > 300)
          throw new Error(`the request never reached the database:
${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      child.kill('SIGTERM');
      const res = await answer;
      expect(res.body.errors?.map((e) => (e as { extensions?: { code?: string } }).extensions?.code)).toContain('QUERY_CANCELLED');
      expect(await exited).toBe(1);
      expect(output).toContain('statements cancelled');
      expect(await waiting()).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await sessions.end(schema);
    }
  }, 120_000);
});
