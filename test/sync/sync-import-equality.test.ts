import { join } from 'node:path';
import { folderSource, importDataset } from '../../src/import';
import { METRICS } from '../../src/metrics/registry';
import type { Dimension } from '../../src/data/domain';
import { createTestDatabase } from '../support/test-database';
import { startTestApi, type TestApi } from '../support/test-api';
import { FakeZendesk } from './fake-zendesk';
import { syncFake } from './sync-helpers';
import { applyChanges, history } from './zendesk-history';

// One help-desk history two ways: served by the fake Zendesk and synced (with its changes), and written by hand as
// data-contract files (test/fixtures/zendesk-history/) and imported. Every metric of the catalogue gives the same value
// and sample size over one period, on the whole data and on two segments.

const FOLDER = join(__dirname, '..', 'fixtures', 'zendesk-history');
const PERIOD = `period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }`;

/** Two segments a metric accepts: a customer or team segment, and a channel, product or team segment. */
function segments(dimensions: readonly Dimension[]): string[] {
  const first = dimensions.includes('tier') ? 'tier: ["pro"]' : 'team: ["Billing"]';
  const second = dimensions.includes('channel') ? 'channel: [EMAIL]' : dimensions.includes('product') ? 'product: ["api"]' : 'team: ["Tech"]';
  return ['', `, ${first}`, `, ${second}`];
}

describe('sync and import of the same history', () => {
  let synced: TestApi;
  let imported: TestApi;
  beforeAll(async () => {
    synced = await startTestApi();
    imported = await startTestApi({}, { db: await createTestDatabase() });
    const fake = await new FakeZendesk(history()).start();
    try {
      // The first sync is a backfill into empty tables: one bulk-loaded transaction per stream, as the command's.
      await syncFake(synced.db.dataSource, fake, { backfillRecordsPerTransaction: 1000 });
      applyChanges(fake.data);
      await syncFake(synced.db.dataSource, fake);
    } finally {
      await fake.close();
    }
    await importDataset(imported.db.dataSource, folderSource(FOLDER), { sourceName: 'zendesk-history' });
  });
  afterAll(async () => {
    await synced?.close();
    await imported?.close();
    await imported?.db.destroy();
  });

  const cases = METRICS.flatMap((m) => segments(m.dimensions).map((filter) => [m.name, filter || '(all)', filter] as const));

  it.each(cases)('%s %s', async (name, _label, filter) => {
    const query = `{ m: ${name}(${PERIOD}${filter}) { value sampleSize } }`;
    const [a, b] = await Promise.all([synced.graphql(query), imported.graphql(query)]);
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(a.data.m).toEqual(b.data.m);
  });

  it('compares metrics that have data, not only empty ones', async () => {
    const res = await synced.graphql(
      `{ v: ticketVolume(${PERIOD}) { value } f: firstResponseTime(${PERIOD}) { value } c: csat(${PERIOD}) { value } }`,
    );
    expect(res.data).toEqual({ v: { value: 5 }, f: { value: expect.any(Number) }, c: { value: 60 } });
  });
});
