import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/config';
import { openMigratedDatabase } from '../../src/metrics/rollups/migrated-database';
import { createTestDatabase } from '../support/test-database';
import { FakeZendesk } from './fake-zendesk';
import { contents, syncFake } from './sync-helpers';
import { CONFIG, history, SINCE } from './zendesk-history';

// The sync process killed for real (SIGKILL through DESKMETRICS_SYNC_FAIL_AT, as `kill -9` would) at several points;
// the next run of the command ends with the database of a sync never killed. On PostgreSQL the killed connection's
// transaction is rolled back by the server; on the embedded PGlite the data folder recovers at the next start.

const BIN = join(__dirname, '..', '..', 'bin', 'deskmetrics.js');
const onPostgres = Boolean(process.env.DATABASE_URL);

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

describe('deskmetrics sync zendesk killed and run again', () => {
  let fake: FakeZendesk;
  let configFile: string;
  let uninterrupted: Record<string, unknown[]>;
  const folders: string[] = [];

  beforeAll(async () => {
    if (!existsSync(join(__dirname, '..', '..', 'dist', 'src', 'cli', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` before the tests');
    fake = await new FakeZendesk(history()).start();
    const dir = mkdtempSync(join(tmpdir(), 'deskmetrics-sync-kill-'));
    folders.push(dir);
    configFile = join(dir, 'zendesk.json');
    writeFileSync(configFile, JSON.stringify({ ...CONFIG, requestsPerMinute: 1000 }));
    const reference = await createTestDatabase();
    try {
      await syncFake(reference.dataSource, fake);
      uninterrupted = await contents(reference.dataSource);
    } finally {
      await reference.destroy();
    }
  });
  afterAll(async () => {
    await fake?.close();
    for (const f of folders) rmSync(f, { recursive: true, force: true });
  });

  /** A database of its own for one case: a schema on PostgreSQL, a data folder for PGlite. */
  function caseDatabase(): Record<string, string> {
    if (onPostgres) return { DATABASE_SCHEMA: `test_sync_kill_${process.pid}_${randomBytes(4).toString('hex')}` };
    const dir = mkdtempSync(join(tmpdir(), 'deskmetrics-sync-kill-db-'));
    folders.push(dir);
    return { DATABASE_URL: '', DESKMETRICS_DATA_DIR: dir };
  }

  /** Runs the command; `onStderr` may signal the child when its output shows where it is. */
  const runSync = (database: Record<string, string>, extra: Record<string, string> = {}, onStderr?: (text: string, child: ChildProcess) => void) =>
    new Promise<Run>((resolve) => {
      // Batches of two: the backfill's transactions into empty tables are bulk loads, as a large account's are.
      const env = { ...process.env, NODE_OPTIONS: '', LOG_LEVEL: 'silent', IMPORT_BATCH_SIZE: '2', ...fake.env, ...database, ...extra };
      const child = spawn('node', [BIN, 'sync', 'zendesk', '--since', SINCE, '--config', configFile], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        onStderr?.(stderr, child);
      });
      child.once('exit', (code, signal) => resolve({ code, signal, stderr }));
    });

  it('stops at once on Ctrl-C in the middle of a run, and the next run completes the sync', async () => {
    const database = caseDatabase();
    fake.delayMs = 100;
    let interrupted: Run;
    try {
      interrupted = await runSync(database, {}, (text, child) => {
        if (text.includes('users: page') && !child.killed) child.kill('SIGINT');
      });
    } finally {
      fake.delayMs = 0;
    }
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain(
      'sync interrupted by SIGINT: the page in progress was not written; the next run resumes from the last committed page',
    );
    expect(interrupted.stderr).not.toMatch(/^ticket_events: page/m);
    expect((await runSync(database)).code).toBe(0);
    const db = await openMigratedDatabase({ ...loadConfig({ ...process.env, ...database }) }, { command: 'test' });
    try {
      expect(await contents(db.dataSource)).toEqual(uninterrupted);
      if (onPostgres) await db.dataSource.query(`DROP SCHEMA "${database.DATABASE_SCHEMA}" CASCADE`);
    } finally {
      await db.close();
    }
  }, 120_000);

  // The command gathers up to 10,000 records per transaction: with this small history, one transaction per stream
  // (organizations, users, tickets, ticket_events, satisfaction_ratings), each over several pages of two.
  it.each([
    ['between two committed transactions (after users)', 'page-committed:2'],
    ['in the middle of the tickets’ records', 'mid-page:3'],
    ['after the messages’ records, before their cursor', 'records-written:4'],
    ['after the tickets’ cursor, before commit', 'cursor-written:3'],
    ['after fetching a page of ticket events, pages before it fetched but not written', 'page-fetched:17'],
    // PostgreSQL rebuilds the rollups in parts on two connections, each part committed: killed after the fifth (the three clears and two events), with
    // indexes dropped and rows of some events in, another part running. PGlite rebuilds in one transaction.
    ...(onPostgres ? [['in the rollups’ rebuild after the streams, between its parts', 'rollup-part-done:5']] : []),
  ])(
    'killed %s (%s)',
    async (_what, failAt) => {
      const database = caseDatabase();
      const killed = await runSync(database, { DESKMETRICS_SYNC_FAIL_AT: failAt });
      expect({ signal: killed.signal, stderr: killed.stderr }).toEqual({ signal: 'SIGKILL', stderr: expect.stringContaining('syncing Zendesk') });
      const resumed = await runSync(database);
      expect({ code: resumed.code, stderr: resumed.stderr }).toEqual({ code: 0, stderr: expect.any(String) });

      const db = await openMigratedDatabase({ ...loadConfig({ ...process.env, ...database }) }, { command: 'test' });
      try {
        expect(await contents(db.dataSource)).toEqual(uninterrupted);
        if (onPostgres) await db.dataSource.query(`DROP SCHEMA "${database.DATABASE_SCHEMA}" CASCADE`);
      } finally {
        await db.close();
      }
    },
    120_000,
  );
});
