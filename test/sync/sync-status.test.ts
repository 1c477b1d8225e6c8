import { SyncError } from '../../src/sync/sync-engine';
import { startTestApi, type TestApi } from '../support/test-api';
import { FakeZendesk } from './fake-zendesk';
import { syncFake } from './sync-helpers';
import { history } from './zendesk-history';

// Sync status for admins (issue #20 item 3): per source and stream the last successful sync, the cursor's time, the
// lag and the last error; dataStatus (what dashboards read) shows when the synced data was last current.

const STATUS = `{ syncStatus { source stream lastSuccessAt lastPageAt cursorTime lagSeconds pages records lastError lastErrorAt } }`;

describe('syncStatus', () => {
  let api: TestApi;
  let fake: FakeZendesk;
  beforeAll(async () => {
    api = await startTestApi({}, { auth: true });
    fake = await new FakeZendesk(history()).start();
  });
  afterAll(async () => {
    await fake?.close();
    await api?.close();
  });

  it('is empty before the first sync, and dataStatus has no sync time', async () => {
    expect((await api.graphql(STATUS)).data).toEqual({ syncStatus: [] });
    expect((await api.graphql(`{ dataStatus { lastSyncAt } }`)).data).toEqual({ dataStatus: { lastSyncAt: null } });
  });

  it('shows each stream after a run that failed on one: success, cursor time, lag, the error', async () => {
    // ticket_events answers 500 on every attempt: the run stops there, the streams before it are complete.
    fake.fail('/incremental/ticket_events', 500, {}, 100);
    const before = Date.now();
    await expect(syncFake(api.db.dataSource, fake)).rejects.toThrow(SyncError);
    const res = await api.graphql(STATUS);
    expect(res.errors).toBeUndefined();
    const byStream = Object.fromEntries(res.data.syncStatus.map((s: { stream: string }) => [s.stream, s]));
    expect(Object.keys(byStream)).toEqual(['organizations', 'ticket_events', 'tickets', 'users']);
    const tickets = byStream.tickets;
    expect(tickets).toMatchObject({
      source: 'zendesk',
      cursorTime: '2025-03-07T11:00:00.000Z',
      pages: 3,
      records: 6,
      lastError: null,
      lastErrorAt: null,
    });
    expect(Date.parse(tickets.lastSuccessAt)).toBeGreaterThanOrEqual(before - 1000);
    // The lag is now − cursorTime.
    const lag = (Date.now() - Date.parse('2025-03-07T11:00:00Z')) / 1000;
    expect(Math.abs(tickets.lagSeconds - lag)).toBeLessThan(60);
    expect(byStream.ticket_events).toMatchObject({ lastSuccessAt: null, cursorTime: null, pages: 0, records: 0 });
    expect(byStream.ticket_events.lastError).toMatch(
      /^GET \/api\/v2\/incremental\/ticket_events\.json\?start_time=\d+&include=comment_events failed 6 times; last: 500 Internal Server Error$/,
    );
    expect(byStream.ticket_events.lastErrorAt).not.toBeNull();
  });

  it('clears the error once a run reads the stream to its end; dataStatus shows the sync', async () => {
    fake.clearFailures();
    await syncFake(api.db.dataSource, fake);
    const { data } = await api.graphql(STATUS);
    const events = data.syncStatus.find((s: { stream: string }) => s.stream === 'ticket_events');
    expect(events).toMatchObject({ lastError: null, lastErrorAt: null, cursorTime: '2025-03-07T10:00:00.000Z' });
    expect(data.syncStatus).toHaveLength(5);
    const status = await api.graphql(`{ dataStatus { lastSyncAt lastImportAt dataThrough { fact latest } } }`);
    expect(Date.parse(status.data.dataStatus.lastSyncAt)).toBeGreaterThan(Date.now() - 60_000);
    expect(status.data.dataStatus.dataThrough).toContainEqual({ fact: 'messages', latest: '2025-03-07T10:00:00.000Z' });
  });

  it('is for admins only', async () => {
    const analyst = await api.createKey({ name: 'analyst', role: 'analyst' });
    const res = await api.graphql(STATUS, undefined, { key: analyst });
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });
});
