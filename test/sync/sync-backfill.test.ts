import { createTestDatabase, type TestDatabase } from '../support/test-database';
import { FakeZendesk } from './fake-zendesk';
import { contents, syncFake } from './sync-helpers';
import { applyChanges, history } from './zendesk-history';

// A first backfill into empty tables is gathered into one transaction per stream and written by the importer's bulk
// load (indexes dropped and rebuilt, rows inserted by one statement); it ends with the database a page-by-page sync
// gives, and the changes after it go through the batch upserts as before.

describe('a backfill into empty tables', () => {
  let byPage: TestDatabase;
  let bulk: TestDatabase;
  beforeAll(async () => {
    byPage = await createTestDatabase();
    bulk = await createTestDatabase();
  });
  afterAll(async () => {
    await byPage?.destroy();
    await bulk?.destroy();
  });

  /** The object id of the tickets' unique index on external_id: a bulk load drops and rebuilds it, an upsert keeps it. */
  const ticketsIndex = async (db: TestDatabase) => {
    const [{ oid }] = await db.dataSource.query(
      `SELECT i.indexrelid::int AS oid FROM pg_index i WHERE i.indrelid = 'tickets'::regclass AND i.indisunique AND NOT i.indisprimary
         AND pg_get_indexdef(i.indexrelid) LIKE '%(external_id)%'`,
    );
    return oid as number;
  };

  it('is a bulk load, and gives the database of a page-by-page sync, also after changes', async () => {
    const reference = await new FakeZendesk(history()).start();
    const fake = await new FakeZendesk(history()).start();
    try {
      await syncFake(byPage.dataSource, reference);
      const before = await ticketsIndex(bulk);
      await syncFake(bulk.dataSource, fake, { backfillRecordsPerTransaction: 1000 });
      const afterBackfill = await ticketsIndex(bulk);
      expect(afterBackfill).not.toBe(before);
      expect(await contents(bulk.dataSource)).toEqual(await contents(byPage.dataSource));
      const [{ runs }] = await bulk.dataSource.query(`SELECT count(*)::int AS runs FROM import_runs WHERE source = 'zendesk tickets'`);
      expect(runs).toBe(1);

      applyChanges(reference.data);
      applyChanges(fake.data);
      await syncFake(byPage.dataSource, reference);
      await syncFake(bulk.dataSource, fake, { backfillRecordsPerTransaction: 1000 });
      expect(await ticketsIndex(bulk)).toBe(afterBackfill);
      expect(await contents(bulk.dataSource)).toEqual(await contents(byPage.dataSource));
    } finally {
      await reference.close();
      await fake.close();
    }
  });
});
