import type { FakeData } from './fake-zendesk';
import type { ZdChildEvent, ZdTicket, ZdTicketEvent } from '../../src/sync/zendesk/zendesk-types';

/**
 * A small Zendesk account's history, in the API's shapes, touching every rule of the mapping (docs/zendesk.md): a
 * backfill from SINCE, then CHANGES (a ticket solved, one deleted, one created, a new agent).
 */

export const SINCE = '2025-03-01';

/** The account's --config. */
export const CONFIG = {
  product: { customFieldId: 900, tagPrefix: 'product_', brands: { '7': 'Widgets' } },
  tier: { organizationField: 'plan_tier', userField: 'plan_tier', tagPrefix: 'tier_', default: 'standard' },
  bots: { userIds: [60] },
  escalation: { tags: ['escalated'] },
};

const t = (iso: string) => Math.floor(Date.parse(iso) / 1000);

function ticket(id: number, fields: Partial<ZdTicket> & { created_at: string; updated_at: string; status: string; channel: string }): ZdTicket {
  const { channel, ...rest } = fields;
  return {
    id,
    priority: null,
    organization_id: null,
    assignee_id: null,
    group_id: null,
    brand_id: null,
    tags: [],
    custom_fields: [],
    ...rest,
    via: { channel },
    generated_timestamp: t(fields.updated_at),
  };
}

let childId = 6000;
function event(id: number, ticketId: number, at: string, via: string, children: Partial<ZdChildEvent>[]): ZdTicketEvent {
  return {
    id,
    ticket_id: ticketId,
    timestamp: t(at),
    created_at: at,
    updater_id: children.find((c) => c.author_id)?.author_id ?? null,
    via,
    event_type: 'Audit',
    child_events: children.map((c) => ({ id: c.id ?? ++childId, via: { channel: via.toLowerCase() }, created_at: at, ...c }) as ZdChildEvent),
  };
}
const create = { event_type: 'Create' };
const comment = (id: number, author: number, pub = true): Partial<ZdChildEvent> => ({
  id,
  event_type: 'Comment',
  type: 'Comment',
  author_id: author,
  public: pub,
});

export function history(): FakeData {
  return {
    groups: [
      { id: 10, name: 'Billing' },
      { id: 11, name: 'Tech' },
    ],
    organizations: [
      {
        id: 100,
        name: 'Big Co',
        created_at: '2024-06-01T00:00:00Z',
        updated_at: '2025-03-01T00:00:00Z',
        tags: [],
        organization_fields: { plan_tier: 'enterprise' },
      },
      {
        id: 101,
        name: 'Mid Co',
        created_at: '2024-07-01T00:00:00Z',
        updated_at: '2025-03-01T00:00:00Z',
        tags: ['tier_pro'],
        organization_fields: { plan_tier: null },
      },
      { id: 102, name: 'Small Co', created_at: '2024-08-01T00:00:00Z', updated_at: '2025-03-01T00:05:00Z', tags: [], organization_fields: {} },
    ],
    users: [
      // End users: Carla belongs to Big Co (the organization is the customer); Dan and Eve, without organization, are
      // customers themselves (Eve's tier from a user field, Dan's from a tag).
      { id: 1, name: 'Carla', role: 'end-user', organization_id: 100, created_at: '2024-06-02T00:00:00Z', updated_at: '2025-03-01T00:00:00Z' },
      {
        id: 2,
        name: 'Dan',
        role: 'end-user',
        created_at: '2024-09-15T00:00:00Z',
        tags: ['tier_free'],
        user_fields: { plan_tier: null },
        updated_at: '2025-03-01T00:00:00Z',
      },
      {
        id: 3,
        name: 'Eve',
        role: 'end-user',
        created_at: '2024-10-01T00:00:00Z',
        user_fields: { plan_tier: 'enterprise' },
        updated_at: '2025-03-01T00:00:00Z',
      },
      { id: 50, name: 'Ann', role: 'agent', default_group_id: 10, updated_at: '2025-03-01T01:00:00Z' },
      { id: 51, name: 'Bob', role: 'admin', default_group_id: 11, updated_at: '2025-03-01T02:00:00Z' },
      { id: 60, name: 'Answer Bot', role: 'agent', default_group_id: null, updated_at: '2025-03-01T03:00:00Z' },
    ],
    tickets: [
      ticket(1001, {
        requester_id: 1,
        created_at: '2025-03-03T09:00:00Z',
        updated_at: '2025-03-03T13:00:00Z',
        status: 'solved',
        channel: 'email',
        priority: 'high',
        organization_id: 100,
        assignee_id: 50,
        group_id: 10,
        custom_fields: [{ id: 900, value: 'api' }],
      }),
      ticket(1002, {
        requester_id: 2,
        created_at: '2025-03-04T10:00:00Z',
        updated_at: '2025-03-04T11:00:00Z',
        status: 'open',
        channel: 'chat',
        organization_id: 101,
        assignee_id: 51,
        tags: ['product_mobile'],
      }),
      ticket(1003, {
        requester_id: 2,
        created_at: '2025-03-05T08:00:00Z',
        updated_at: '2025-03-06T10:00:00Z',
        status: 'closed',
        channel: 'voice',
        priority: 'low',
        assignee_id: 50,
        brand_id: 7,
      }),
      ticket(1004, {
        requester_id: 2,
        created_at: '2025-03-06T11:00:00Z',
        updated_at: '2025-03-06T11:30:00Z',
        status: 'pending',
        channel: 'native_messaging',
        priority: 'urgent',
        organization_id: 102,
      }),
      ticket(1005, {
        requester_id: 1,
        created_at: '2025-03-07T10:00:00Z',
        updated_at: '2025-03-07T11:00:00Z',
        status: 'new',
        channel: 'web',
        organization_id: 100,
      }),
      ticket(1006, {
        requester_id: 1,
        created_at: '2025-02-20T10:00:00Z',
        updated_at: '2025-03-02T10:00:00Z',
        status: 'solved',
        channel: 'api',
        organization_id: 101,
        assignee_id: 51,
      }),
    ],
    metricSets: [
      { ticket_id: 1001, solved_at: '2025-03-03T12:00:00Z', reopens: 0, replies: 2, reply_time_in_minutes: { calendar: 60, business: 60 } },
      { ticket_id: 1002, solved_at: null, reopens: 0, replies: 0, reply_time_in_minutes: { calendar: null, business: null } },
      { ticket_id: 1003, solved_at: '2025-03-06T09:00:00Z', reopens: 1, replies: 1, reply_time_in_minutes: { calendar: 10, business: 10 } },
      { ticket_id: 1004, solved_at: null, reopens: 0, replies: 1, reply_time_in_minutes: { calendar: 30, business: 30 } },
      { ticket_id: 1005, solved_at: null, reopens: 0, replies: 0, reply_time_in_minutes: { calendar: null, business: null } },
      { ticket_id: 1006, solved_at: '2025-03-02T10:00:00Z', reopens: 0, replies: 2, reply_time_in_minutes: { calendar: 30, business: 30 } },
    ],
    ticketEvents: [
      event(5001, 1001, '2025-03-03T09:00:00Z', 'Mail', [create, comment(7001, 1)]),
      event(5002, 1001, '2025-03-03T09:00:30Z', 'Rule', [comment(7002, 50)]),
      event(5003, 1001, '2025-03-03T10:00:00Z', 'Web form', [comment(7003, 50)]),
      event(5004, 1001, '2025-03-03T10:30:00Z', 'Web form', [comment(7004, 50, false)]),
      event(5005, 1001, '2025-03-03T11:00:00Z', 'Mail', [comment(7005, 1)]),
      event(5006, 1001, '2025-03-03T11:30:00Z', 'Web form', [comment(7006, 50)]),
      event(5010, 1002, '2025-03-04T10:00:00Z', 'Chat', [create, comment(7010, 2)]),
      event(5011, 1002, '2025-03-04T10:20:00Z', 'Api', [comment(7011, 60)]),
      event(5020, 1003, '2025-03-05T08:00:00Z', 'Voice', [create, comment(7020, 50)]),
      event(5021, 1003, '2025-03-05T08:10:00Z', 'Web form', [comment(7021, 50)]),
      event(5030, 1004, '2025-03-06T11:00:00Z', 'Native messaging', [create, comment(7030, 2)]),
      event(5031, 1004, '2025-03-06T11:30:00Z', 'Web form', [comment(7031, 51)]),
      event(5040, 1005, '2025-03-07T10:00:00Z', 'Web form', [create, comment(7040, 1)]),
      // Before --since: not exported by the backfill (ticket 1006's first response comes from its metric set).
      event(5049, 1006, '2025-02-20T10:30:00Z', 'Web form', [comment(7049, 51)]),
      event(5050, 1006, '2025-03-02T10:00:00Z', 'Web form', [comment(7050, 51)]),
    ],
    ratings: [
      { id: 8001, ticket_id: 1001, score: 'good', created_at: '2025-03-03T12:00:00Z', updated_at: '2025-03-03T13:00:00Z' },
      { id: 8002, ticket_id: 1003, score: 'bad', created_at: '2025-03-06T09:00:00Z', updated_at: '2025-03-06T10:00:00Z' },
      { id: 8003, ticket_id: 1002, score: 'offered', created_at: '2025-03-04T11:00:00Z', updated_at: '2025-03-04T11:00:00Z' },
      { id: 8004, ticket_id: 1005, score: 'good', created_at: '2025-03-07T11:00:00Z', updated_at: '2025-03-07T11:00:00Z' },
    ],
  };
}

/** What happens in the account after the backfill: 1002 answered and solved, 1005 deleted, 1007 created, agent Cleo. */
export function applyChanges(data: FakeData): void {
  data.users.push({ id: 52, name: 'Cleo', role: 'agent', default_group_id: 10, updated_at: '2025-03-08T08:00:00Z' });
  const t1002 = data.tickets.find((x) => x.id === 1002)!;
  Object.assign(t1002, { status: 'solved', updated_at: '2025-03-08T09:00:00Z', generated_timestamp: t('2025-03-08T09:00:00Z') });
  Object.assign(
    data.metricSets.find((m) => m.ticket_id === 1002)!,
    { solved_at: '2025-03-08T09:00:00Z', replies: 1 },
  );
  data.ticketEvents.push(event(5012, 1002, '2025-03-08T08:50:00Z', 'Web form', [comment(7012, 51)]));
  const t1005 = data.tickets.find((x) => x.id === 1005)!;
  Object.assign(t1005, { status: 'deleted', updated_at: '2025-03-08T09:30:00Z', generated_timestamp: t('2025-03-08T09:30:00Z') });
  data.tickets.push(
    ticket(1007, {
      requester_id: 2,
      created_at: '2025-03-08T10:00:00Z',
      updated_at: '2025-03-08T10:00:00Z',
      status: 'open',
      channel: 'email',
      organization_id: 101,
      assignee_id: 52,
      tags: ['escalated'],
    }),
  );
  data.metricSets.push({ ticket_id: 1007, solved_at: null, reopens: 0, replies: 0, reply_time_in_minutes: { calendar: null, business: null } });
  data.ticketEvents.push(event(5060, 1007, '2025-03-08T10:00:00Z', 'Mail', [create, comment(7060, 2)]));
}
