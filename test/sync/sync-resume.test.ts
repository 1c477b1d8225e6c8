import type { Checkpoint } from '../../src/sync/sync-engine';
import { SyncError } from '../../src/sync/sync-engine';
import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { FakeZendesk } from './fake-zendesk';
import { contents, emptyDatabase, syncFake } from './sync-helpers';
import { applyChanges, history } from './zendesk-history';

// A sync stopped at any point (a crash injected at a named checkpoint, inside or between the transactions of its
// pages) continues on the next run and ends with the same database as a sync never stopped: no record lost, none
// twice, the same cursors, the same rollups.

class Crash extends Error {}

describe('a stopped sync resumes without loss or duplicates', () => {
  let db: TestDatabase;
  let fake: FakeZendesk;
  let uninterrupted: Record<string, unknown[]>;

  beforeAll(async () => {
    db = await createTestDatabase();
    fake = await new FakeZendesk(history()).start();
    await syncFake(db.dataSource, fake);
    applyChanges(fake.data);
    await syncFake(db.dataSource, fake);
    uninterrupted = await contents(db.dataSource);
  });
  afterAll(async () => {
    await fake?.close();
    await db?.destroy();
  });

  /**
   * Stops the sync the n-th time it passes the checkpoint. Keeps the database's contents at each committed page: a
   * stopped page must leave exactly what the last committed page left (its records and its cursor rolled back together).
   */
  const crashAt = (point: Checkpoint, stream: string, n: number, committed: { contents: Record<string, unknown[]> }) => {
    let seen = 0;
    const hook = async (p: Checkpoint, s: string) => {
      if (p === 'page-committed') committed.contents = await contents(db.dataSource);
      if (p === point && s === stream && ++seen === n) throw new Crash(`crash at ${point} of ${stream} #${n}`);
    };
    return { hook, crashed: () => seen >= n };
  };

  it.each<[string, 'backfill' | 'changes', Checkpoint, string, number, number?]>([
    ['after fetching a page, before writing it', 'backfill', 'page-fetched', 'tickets', 2],
    ['in the middle of a page of tickets', 'backfill', 'mid-page', 'tickets', 2],
    ['in the middle of a page of messages', 'backfill', 'mid-page', 'ticket_events', 3],
    ['in the middle of a page of surveys', 'backfill', 'mid-page', 'satisfaction_ratings', 1],
    ['after a page’s records, before its cursor (one transaction)', 'backfill', 'records-written', 'tickets', 3],
    ['after a page’s cursor, before commit', 'backfill', 'cursor-written', 'ticket_events', 2],
    ['between two committed pages', 'backfill', 'page-committed', 'users', 1],
    ['between two streams', 'backfill', 'stream-done', 'tickets', 1],
    // One transaction per stream into empty tables: the backfill's files are bulk loads (batches of 3).
    ['in the middle of a bulk-loaded backfill of messages', 'backfill', 'mid-page', 'ticket_events', 1, 1000],
    ['after a bulk-loaded backfill of tickets, before its cursor', 'backfill', 'records-written', 'tickets', 1, 1000],
    ['in the page that deletes a ticket, after the deletion', 'changes', 'records-written', 'tickets', 1],
    ['in the middle of the changes’ first page of agents', 'changes', 'mid-page', 'users', 1],
    ['between pages of the changes', 'changes', 'page-committed', 'ticket_events', 1],
    // Several pages per transaction (recordsPerTransaction 5): the stop undoes all of them.
    ['in the middle of a transaction of several pages of messages', 'backfill', 'mid-page', 'ticket_events', 2, 5],
    ['after several pages’ records, before their cursor', 'backfill', 'records-written', 'tickets', 1, 5],
    ['in the transaction that updates, deletes and creates tickets', 'changes', 'cursor-written', 'tickets', 1, 5],
  ])('stopped %s (%s: %s of %s #%d)', async (_what, phase, point, stream, n, recordsPerTransaction = 1) => {
    await emptyDatabase(db.dataSource);
    fake.data = history();
    if (phase === 'changes') {
      await syncFake(db.dataSource, fake);
      applyChanges(fake.data);
    }
    const committed = { contents: await contents(db.dataSource) };
    const crash = crashAt(point, stream, n, committed);
    await expect(syncFake(db.dataSource, fake, { onCheckpoint: crash.hook, recordsPerTransaction })).rejects.toThrow(SyncError);
    expect(crash.crashed()).toBe(true);
    expect(await contents(db.dataSource)).toEqual(committed.contents);
    // The stopped run's last error is on record for the status; the next run starts from the committed cursors.
    const [{ errors }] = await db.dataSource.query(`SELECT count(*)::int AS errors FROM sync_cursors WHERE last_error LIKE '%crash at%'`);
    expect(errors).toBe(1);

    await syncFake(db.dataSource, fake, { recordsPerTransaction });
    if (phase === 'backfill') {
      applyChanges(fake.data);
      await syncFake(db.dataSource, fake, { recordsPerTransaction });
    }
    expect(await contents(db.dataSource)).toEqual(uninterrupted);
    const [{ left }] = await db.dataSource.query(`SELECT count(*)::int AS left FROM sync_cursors WHERE last_error IS NOT NULL`);
    expect(left).toBe(0);
  });
});
