import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../../src/config/config';
import { DataFolderInUseError, LOCK_FILE, lockDataFolder, readFolderHolder } from '../../src/db/data-folder-lock';
import { openMigratedDatabase } from '../../src/metrics/rollups/migrated-database';

const BIN = join(__dirname, '..', '..', 'bin', 'deskmetrics.js');
const FIXTURE = join(__dirname, '..', 'fixtures', 'acceptance');
const runFile = promisify(execFile);

function cliEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, DATABASE_URL: '', DESKMETRICS_DATA_DIR: dataDir, DESKMETRICS_DEMO: 'off', NODE_OPTIONS: '', LOG_LEVEL: 'info', ...extra };
}

/** Runs the CLI to its end: exit code and output. */
async function cli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await runFile('node', [BIN, ...args], { env, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A `deskmetrics serve` in its own process, with what it printed so far. */
interface ServeProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function startServe(env: NodeJS.ProcessEnv): ServeProcess {
  const child = spawn('node', [BIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d: Buffer) => (text += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function waitFor(what: string, predicate: () => boolean, serve: ServeProcess, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (serve.child.exitCode !== null) throw new Error(`serve exited (${serve.child.exitCode}) before ${what}:\n${serve.output()}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${serve.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the embedded data folder lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deskmetrics-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder, naming the first, and frees the folder on release', () => {
    const first = lockDataFolder(dir, 'serve');
    let refused: unknown;
    try {
      lockDataFolder(dir, 'import');
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(DataFolderInUseError);
    expect((refused as Error).message).toContain(`deskmetrics serve, process ${process.pid}`);
    expect((refused as Error).message).toContain(dir);
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockDataFolder(dir, 'import').release();
  });

  it('takes over a lock left by a process that died', async () => {
    const dead = spawn('node', ['-e', '']);
    const deadPid = await new Promise<number>((resolve) => dead.once('exit', () => resolve(dead.pid!)));
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid, hostname: hostname(), command: 'serve', startedAt: '2026-01-01T00:00:00Z' }));
    const lock = lockDataFolder(dir, 'import');
    expect(readFolderHolder(dir)).toMatchObject({ pid: process.pid, command: 'import' });
    lock.release();
  });

  it('does not remove a lock that another process took over', () => {
    const lock = lockDataFolder(dir, 'serve');
    const other = { pid: process.pid + 1, hostname: 'elsewhere', command: 'import', startedAt: new Date().toISOString() };
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify(other));
    lock.release();
    expect(readFolderHolder(dir)).toEqual(other);
  });

  it('keeps the lock private: it carries the local-import token', () => {
    const lock = lockDataFolder(dir, 'serve');
    lock.announceServer('http://127.0.0.1:4000', 'secret');
    expect(readFolderHolder(dir)?.server).toEqual({ url: 'http://127.0.0.1:4000', localToken: 'secret' });
    expect(statSync(join(dir, LOCK_FILE)).mode & 0o077).toBe(0);
    lock.release();
  });
});

// These run the compiled CLI (npm ci builds it), as a user's processes would.
describe('two processes on one embedded data folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deskmetrics-folder-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second process while an import holds the folder, naming it', async () => {
    const lock = lockDataFolder(dir, 'import');
    try {
      const { code, stderr } = await cli(['keys', 'list'], cliEnv(dir));
      expect(code).toBe(2);
      expect(stderr).toContain(`in use by deskmetrics import, process ${process.pid}`);
      expect(stderr).toContain('Stop that process first');
    } finally {
      lock.release();
    }
  }, 60_000);

  it('imports through a running server, refuses other commands, and leaves the folder intact after a stop', async () => {
    const serve = startServe(cliEnv(dir, { PORT: '0', HOST: '127.0.0.1' }));
    try {
      await waitFor('the server to listen', () => /deskmetrics is serving/.test(serve.output()), serve);
      const key = /^ {4}(\S+)$/m.exec(serve.output())?.[1];
      expect(key).toBeDefined();
      const url = readFolderHolder(dir)?.server?.url;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

      const keys = await cli(['keys', 'list'], cliEnv(dir));
      expect(keys.code).toBe(2);
      expect(keys.stderr).toContain(`in use by deskmetrics serve, process ${serve.child.pid}, serving ${url}`);

      const imported = await cli(['import', FIXTURE], cliEnv(dir));
      expect(imported.stderr).toContain('importing through it');
      expect(imported.code).toBe(0);
      expect(imported.stdout).toMatch(/^tickets\.csv\s+400\s+400/m);

      // The running server answers with the imported data at once: there is one copy of the database.
      const ticketRows = readFileSync(join(FIXTURE, 'tickets.csv'), 'utf8').trim().split('\n').length - 1;
      const answer = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ ticketVolume(period: { from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z" }) { value } }' }),
      }).then((r) => r.json() as Promise<{ data: { ticketVolume: { value: number } } }>);
      expect(answer.data.ticketVolume.value).toBe(ticketRows);

      const invalid = await cli(['import', join(dir, 'no-such-folder')], cliEnv(dir));
      expect(invalid.code).not.toBe(0);

      serve.child.kill('SIGTERM');
      expect(await serve.exited).toBe(0);
      expect(readFolderHolder(dir)).toBeUndefined();

      const db = await openMigratedDatabase({ ...loadConfig({ ...process.env, DATABASE_URL: '' }), DESKMETRICS_DATA_DIR: dir }, { command: 'test' });
      try {
        const [{ n }] = await db.dataSource.query('SELECT count(*)::int AS n FROM tickets');
        expect(n).toBe(ticketRows);
        // Every index of the folder still answers what its table holds.
        await db.dataSource.query('REINDEX SCHEMA public');
      } finally {
        await db.close();
      }
    } finally {
      if (serve.child.exitCode === null) serve.child.kill('SIGKILL');
    }
  }, 180_000);

  it('a serve whose port is taken closes the database and exits 2', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const serve = startServe(cliEnv(dir, { PORT: String(port), HOST: '127.0.0.1' }));
      const code = await Promise.race([serve.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 90_000))]);
      if (code === 'running') serve.child.kill('SIGKILL');
      expect(code).toBe(2);
      expect(serve.output()).toContain(`port ${port}`);
      expect(readFolderHolder(dir)).toBeUndefined();
    } finally {
      blocker.close();
    }
  }, 120_000);
});
