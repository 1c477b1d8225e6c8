import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const BIN = join(__dirname, '..', '..', 'bin', 'deskmetrics.js');

describe('deskmetrics serve in development, first start', () => {
  it('prints the dashboard link with the key it has just created, and serves the dashboard there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dm-link-'));
    const schema = `test_link_${process.pid}_${randomBytes(4).toString('hex')}`;
    const database = process.env.DATABASE_URL ? { DATABASE_SCHEMA: schema } : { DESKMETRICS_DATA_DIR: dataDir };
    const env = {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'development',
      DESKMETRICS_DEMO: 'off',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...database,
    };
    const child = spawn('node', [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      for (let i = 0; !/deskmetrics is serving/.test(output) || !/Open the dashboard/.test(output); i++) {
        if (i > 900 || child.exitCode !== null) throw new Error(`serve did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const key = /^ {4}(\S+)$/m.exec(output)![1];
      const port = /"url":"http:\/\/localhost:(\d+)\/graphql"/.exec(output)![1];
      expect(output).toContain(`Open the dashboard: http://localhost:${port}/#key=${key}\n`);
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root"></div>');
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
      if (process.env.DATABASE_URL) {
        const client = new Client({ connectionString: process.env.DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => client.end());
      }
    }
  }, 120_000);
});
