import { startTestApi, type TestApi } from '../support/test-api';
import { FakeZendesk } from './fake-zendesk';
import { contents, syncFake, type SyncClock } from './sync-helpers';
import { applyChanges, history } from './zendesk-history';

// `deskmetrics sync zendesk` against a fake Zendesk on loopback (test/sync/fake-zendesk.ts), into the test database.
// Expected values are read off the history (zendesk-history.ts) through the mapping tables of docs/zendesk.md.

const MARCH = `period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }`;

describe('deskmetrics sync zendesk', () => {
  let api: TestApi;
  let fake: FakeZendesk;
  const clock: SyncClock = { sleeps: [], retries: [] };
  beforeAll(async () => {
    api = await startTestApi();
    fake = await new FakeZendesk(history()).start();
  });
  afterAll(async () => {
    await fake?.close();
    await api?.close();
  });
  const db = () => api.db.dataSource;
  const rows = (sql: string) => db().query(sql);
  const metric = async (field: string, args = '') => {
    const res = await api.graphql(`{ ${field}(${MARCH}${args}) { value sampleSize } }`);
    expect(res.errors).toBeUndefined();
    return res.data[field] as { value: number | null; sampleSize: number };
  };

  describe('the first run (a backfill from --since), with pages of two records, a 429 and a 500 on the way', () => {
    beforeAll(async () => {
      fake.fail('/incremental/tickets/', 429, { 'retry-after': '1' });
      fake.fail('/incremental/ticket_events', 500);
      fake.fail('/satisfaction_ratings', 'drop');
      // Pages of two gathered five records at a time per transaction (the default gathers 10,000).
      await syncFake(db(), fake, { clock, recordsPerTransaction: 5 });
    });

    it('pages through every stream with its documented pagination and side-loads', () => {
      const paths = fake.requests.map((r) => decodeURIComponent(r));
      // Cursor-based exports: start_time first, then the cursor of the page before; metric_sets side-loaded each time.
      expect(paths.filter((p) => p.includes('/incremental/tickets/')).slice(0, 3)).toEqual([
        `/api/v2/incremental/tickets/cursor.json?start_time=${Date.parse('2025-03-01T00:00:00Z') / 1000}&include=metric_sets`,
        `/api/v2/incremental/tickets/cursor.json?start_time=${Date.parse('2025-03-01T00:00:00Z') / 1000}&include=metric_sets`,
        expect.stringMatching(/^\/api\/v2\/incremental\/tickets\/cursor\.json\?cursor=[\w-]+&include=metric_sets$/),
      ]);
      expect(paths.filter((p) => p.includes('/ticket_events')).every((p) => p.includes('include=comment_events'))).toBe(true);
      expect(paths.filter((p) => p.includes('/ticket_events')).length).toBeGreaterThan(3);
      expect(paths.some((p) => p.includes('/satisfaction_ratings.json') && p.includes('page[after]='))).toBe(true);
      expect(fake.unauthorized).toEqual([]);
    });

    it('waits as Retry-After says on a 429 and backs off on a 500 and a dropped connection (clock injected)', () => {
      expect(clock.retries.map((r) => [r.reason.split(':')[0], r.waitMs])).toEqual([
        ['429 Too Many Requests', 1000],
        ['500 Internal Server Error', 1000],
        ['network error', 1000],
      ]);
    });

    it('maps organizations, and end users without one, to customers with their tier (field, tag, default)', async () => {
      expect(await rows(`SELECT external_id, tier, signed_up_at FROM customers ORDER BY 1`)).toEqual([
        { external_id: '100', tier: 'enterprise', signed_up_at: new Date('2024-06-01T00:00:00Z') },
        { external_id: '101', tier: 'pro', signed_up_at: new Date('2024-07-01T00:00:00Z') },
        { external_id: '102', tier: 'standard', signed_up_at: new Date('2024-08-01T00:00:00Z') },
        { external_id: 'user-2', tier: 'free', signed_up_at: new Date('2024-09-15T00:00:00Z') },
        { external_id: 'user-3', tier: 'enterprise', signed_up_at: new Date('2024-10-01T00:00:00Z') },
      ]);
    });

    it('maps agents and admins (not end users) to agents, their team the name of their default group', async () => {
      expect(await rows(`SELECT external_id, name, team FROM agents ORDER BY 1`)).toEqual([
        { external_id: '50', name: 'Ann', team: 'Billing' },
        { external_id: '51', name: 'Bob', team: 'Tech' },
        { external_id: '60', name: 'Answer Bot', team: null },
      ]);
    });

    it('maps tickets: channel, product, priority, customer, assignee, resolution, reopens, first response', async () => {
      const tickets = await rows(`SELECT t.external_id AS id, t.channel, t.product, t.priority, c.external_id AS customer, a.external_id AS assignee,
          first_response_at AS fr, first_response_derived AS derived, resolved_at AS resolved, reopened_count AS reopens, escalated
        FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id LEFT JOIN agents a ON a.id = t.assignee_id ORDER BY 1`);
      const d = (iso: string) => new Date(iso);
      expect(tickets).toEqual([
        // First response: the first public agent comment (the trigger's comment at 09:00:30 is a bot's).
        {
          id: '1001',
          channel: 'email',
          product: 'api',
          priority: 'high',
          customer: '100',
          assignee: '50',
          fr: d('2025-03-03T10:00:00Z'),
          derived: true,
          resolved: d('2025-03-03T12:00:00Z'),
          reopens: 0,
          escalated: false,
        },
        // Only a bot answered: no first response.
        {
          id: '1002',
          channel: 'chat',
          product: 'mobile',
          priority: 'normal',
          customer: '101',
          assignee: '51',
          fr: null,
          derived: false,
          resolved: null,
          reopens: 0,
          escalated: false,
        },
        // A call the agent logged: its first comment is the customer's inquiry, the agent's next comment the response.
        {
          id: '1003',
          channel: 'phone',
          product: 'Widgets',
          priority: 'low',
          // No organization: its requester is the customer.
          customer: 'user-2',
          assignee: '50',
          fr: d('2025-03-05T08:10:00Z'),
          derived: true,
          resolved: d('2025-03-06T09:00:00Z'),
          reopens: 1,
          escalated: false,
        },
        {
          id: '1004',
          channel: 'messaging',
          product: null,
          priority: 'urgent',
          customer: '102',
          assignee: null,
          fr: d('2025-03-06T11:30:00Z'),
          derived: true,
          resolved: null,
          reopens: 0,
          escalated: false,
        },
        {
          id: '1005',
          channel: 'web',
          product: null,
          priority: 'normal',
          customer: '100',
          assignee: null,
          fr: null,
          derived: false,
          resolved: null,
          reopens: 0,
          escalated: false,
        },
        // Created before --since: its comments are not exported; the metric set's reply time (30 min) gives the first response.
        {
          id: '1006',
          channel: 'web',
          product: null,
          priority: 'normal',
          customer: '101',
          assignee: '51',
          fr: d('2025-02-20T10:30:00Z'),
          derived: false,
          resolved: d('2025-03-02T10:00:00Z'),
          reopens: 0,
          escalated: false,
        },
      ]);
    });

    it('maps public comments to messages: customer, agent, bot (by user and by via); internal notes left out', async () => {
      const messages = await rows(`SELECT m.external_id AS id, t.external_id AS ticket, author, a.external_id AS agent FROM messages m
        JOIN tickets t ON t.id = m.ticket_id LEFT JOIN agents a ON a.id = m.agent_id ORDER BY 1`);
      const m = (id: string, ticket: string, author: string, agent: string | null = null) => ({ id, ticket, author, agent });
      expect(messages).toEqual([
        m('7001', '1001', 'customer'),
        m('7002', '1001', 'bot'),
        m('7003', '1001', 'agent', '50'),
        m('7005', '1001', 'customer'),
        m('7006', '1001', 'agent', '50'),
        m('7010', '1002', 'customer'),
        m('7011', '1002', 'bot'),
        m('7020', '1003', 'customer'),
        m('7021', '1003', 'agent', '50'),
        m('7030', '1004', 'customer'),
        m('7031', '1004', 'agent', '51'),
        m('7040', '1005', 'customer'),
        m('7050', '1006', 'agent', '51'),
      ]);
    });

    it('maps good/bad ratings to CSAT 5/1 with the ticket’s customer; unanswered offers left out', async () => {
      expect(
        await rows(`SELECT s.external_id AS id, kind, score, t.external_id AS ticket, c.external_id AS customer FROM surveys s
        LEFT JOIN tickets t ON t.id = s.ticket_id LEFT JOIN customers c ON c.id = s.customer_id ORDER BY 1`),
      ).toEqual([
        { id: '8001', kind: 'csat', score: 5, ticket: '1001', customer: '100' },
        { id: '8002', kind: 'csat', score: 1, ticket: '1003', customer: 'user-2' },
        { id: '8004', kind: 'csat', score: 5, ticket: '1005', customer: '100' },
      ]);
    });

    it('stores a cursor per stream, reaching the newest change', async () => {
      const cursors = await rows(`SELECT stream, cursor_time, last_success_at IS NOT NULL AS ok, last_error FROM sync_cursors ORDER BY 1`);
      expect(cursors).toEqual([
        { stream: 'organizations', cursor_time: new Date('2025-03-01T00:05:00Z'), ok: true, last_error: null },
        { stream: 'satisfaction_ratings', cursor_time: new Date('2025-03-07T11:00:00Z'), ok: true, last_error: null },
        { stream: 'ticket_events', cursor_time: new Date('2025-03-07T10:00:00Z'), ok: true, last_error: null },
        { stream: 'tickets', cursor_time: new Date('2025-03-07T11:00:00Z'), ok: true, last_error: null },
        { stream: 'users', cursor_time: new Date('2025-03-01T03:00:00Z'), ok: true, last_error: null },
      ]);
    });

    it('serves the metrics from the synced records', async () => {
      // March tickets: 1001–1005 (1006 was created in February); one of them, 1005, on the web channel.
      expect((await metric('ticketVolume')).value).toBe(5);
      expect((await metric('ticketVolume', ', channel: [WEB]')).value).toBe(1);
      // CSAT: (5 + 1 + 5) / (3 × 5) × 100.
      expect((await metric('csat')).value).toBeCloseTo((11 / 15) * 100, 6);
    });
  });

  describe('a second run', () => {
    it('with no change in Zendesk writes nothing', async () => {
      const before = await contents(db());
      const summary = await syncFake(db(), fake);
      for (const s of summary.streams) {
        for (const e of Object.values(s.entities)) expect(e!.inserted + e!.updated).toBe(0);
      }
      expect(await contents(db())).toEqual(before);
    });

    it('fetches only the changes: updates, creates, and takes deleted tickets out of the metrics', async () => {
      applyChanges(fake.data);
      const from = fake.requests.length;
      const summary = await syncFake(db(), fake);
      const tickets = summary.streams.find((s) => s.stream === 'tickets')!;
      // Three changed tickets (1002 solved, 1005 deleted, 1007 new), not the six of the backfill.
      expect(tickets.read).toBe(3);
      expect(tickets.deletedTickets).toBe(1);
      expect(
        fake.requests
          .slice(from)
          .filter((r) => r.includes('/incremental/tickets/'))
          .every((r) => r.includes('cursor=')),
      ).toBe(true);

      expect(await rows(`SELECT external_id FROM tickets ORDER BY 1`)).toEqual(
        ['1001', '1002', '1003', '1004', '1006', '1007'].map((external_id) => ({ external_id })),
      );
      expect(await rows(`SELECT count(*)::int AS n FROM messages WHERE external_id = '7040'`)).toEqual([{ n: 0 }]);
      expect(await rows(`SELECT count(*)::int AS n FROM surveys WHERE external_id = '8004'`)).toEqual([{ n: 0 }]);
      const [t1002] = await rows(`SELECT resolved_at, first_response_at FROM tickets WHERE external_id = '1002'`);
      expect(t1002).toEqual({ resolved_at: new Date('2025-03-08T09:00:00Z'), first_response_at: new Date('2025-03-08T08:50:00Z') });
      expect(
        await rows(`SELECT t.escalated, a.name, a.team FROM tickets t JOIN agents a ON a.id = t.assignee_id WHERE t.external_id = '1007'`),
      ).toEqual([{ escalated: true, name: 'Cleo', team: 'Billing' }]);

      // 1005 left, 1007 came: still five March tickets, none on the web; CSAT without 1005's rating: (5 + 1) / 10.
      expect((await metric('ticketVolume')).value).toBe(5);
      expect((await metric('ticketVolume', ', channel: [WEB]')).value).toBe(0);
      expect((await metric('csat')).value).toBeCloseTo(60, 6);
    });
  });
});
