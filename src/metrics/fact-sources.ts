import type { Dimension } from './dimensions';

/**
 * A fact source is the SQL a family of metrics aggregates over: its FROM clause (with the joins that expose its segment
 * dimensions), the SQL expression of each dimension, and the timestamps ("events") its metrics are attributed by.
 * `{from}`, `{to}` (the period's bounds, timestamptz) and `{tz}` (the bucket time zone) may appear in `from` and
 * `events`; they are bound as parameters.
 */
export interface FactSource {
  readonly name: string;
  /** FROM clause; the fact row's alias is `f`. */
  readonly from: string;
  /**
   * The FROM clause for a pass over every fact row (a full rollup rebuild), when `from` narrows its rows to the period
   * itself: the narrowing would only cost time there.
   */
  readonly fromEveryRow?: string;
  readonly dimensions: Partial<Record<Dimension, string>>;
  /** Attribution timestamps by event name. */
  readonly events: Readonly<Record<string, string>>;
  /** What a record (metric drill-down) of this source shows. */
  readonly record: RecordColumns;
}

/** The kinds of record a metric value can be computed from. */
export const RECORD_TYPES = ['ticket', 'message', 'survey', 'order', 'customer', 'agentDay'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/**
 * The columns of a source's records (SQL over the source's FROM plus `joins`; absent ones are null). Identifiers are
 * source ids only (external_id): never names, emails or internal ids.
 */
export interface RecordColumns {
  readonly type: RecordType;
  /** Extra joins for columns the FROM clause does not expose. */
  readonly joins?: string;
  /** The row's internal id: unique within the source, the tie-breaker of the records' order. */
  readonly key: string;
  readonly columns: Readonly<Partial<Record<RecordColumn, string>>> & { readonly sourceId: string };
}

export const RECORD_COLUMNS = [
  'sourceId',
  'ticketId',
  'customerId',
  'channel',
  'product',
  'tier',
  'priority',
  'agent',
  'team',
  'createdAt',
  'resolvedAt',
  'churnedAt',
] as const;
export type RecordColumn = (typeof RECORD_COLUMNS)[number];

/** A ticket's columns (alias `t`) as seen from a record about it. */
const ticketColumns = (t: string) => ({
  ticketId: `${t}.external_id`,
  createdAt: `${t}.created_at`,
  resolvedAt: `${t}.resolved_at`,
  priority: `${t}.priority`,
});

/** Tickets with their customer's tier and their assignee's team; an agent is identified by its source id. */
export const TICKETS: FactSource = {
  name: 'tickets',
  from: `tickets f
    LEFT JOIN customers c ON c.id = f.customer_id
    LEFT JOIN agents a ON a.id = f.assignee_id`,
  dimensions: {
    channel: 'f.channel',
    product: 'f.product',
    tier: 'c.tier',
    priority: 'f.priority',
    team: 'a.team',
    agent: 'a.external_id',
  },
  events: {
    created: 'f.created_at',
    firstResponse: 'f.first_response_at',
    resolved: 'f.resolved_at',
  },
  record: {
    type: 'ticket',
    key: 'f.id',
    columns: {
      sourceId: 'f.external_id',
      ...ticketColumns('f'),
      customerId: 'c.external_id',
      channel: 'f.channel',
      product: 'f.product',
      tier: 'c.tier',
      agent: 'a.external_id',
      team: 'a.team',
    },
  },
};

/** The agent messages' FROM clause: windowing only the tickets with an agent message in the period, or every ticket. */
const agentMessagesFrom = (inPeriod: boolean) => `(
      SELECT w.id, w.ticket_id, w.agent_id, w.sent_at, w.handle_seconds,
             CASE WHEN w.seg = 0 THEN w.created_at ELSE w.pending_since END AS wait_start
      FROM (
        SELECT s.*, min(s.sent_at) FILTER (WHERE s.author = 'customer') OVER (PARTITION BY s.ticket_id, s.seg) AS pending_since
        FROM (
          SELECT m.id, m.ticket_id, m.agent_id, m.author, m.sent_at, m.handle_seconds, t.created_at,
                 count(*) FILTER (WHERE m.author = 'agent') OVER (
                   PARTITION BY m.ticket_id ORDER BY m.sent_at, (m.author = 'agent'), m.id
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS seg
          FROM messages m JOIN tickets t ON t.id = m.ticket_id
          WHERE m.author <> 'bot'
${inPeriod ? `            AND m.ticket_id IN (SELECT ticket_id FROM messages WHERE author = 'agent' AND sent_at >= {from} AND sent_at < {to})\n` : ''}        ) s
      ) w
      WHERE w.author = 'agent'
    ) f
    JOIN tickets t ON t.id = f.ticket_id
    LEFT JOIN customers c ON c.id = t.customer_id
    LEFT JOIN agents a ON a.id = f.agent_id`;

/**
 * Agent messages with the start of the wait they answer (wait_start): the earliest customer message after the previous
 * agent message, or the ticket's creation for the first reply; null for a follow-up (nothing pending). Bot messages are
 * left out before ordering, so they neither respond nor end a wait. A customer message at the same instant as an agent
 * message counts as before it. Only tickets with an agent message in the period are windowed.
 */
export const AGENT_MESSAGES: FactSource = {
  name: 'agentMessages',
  from: agentMessagesFrom(true),
  fromEveryRow: agentMessagesFrom(false),
  dimensions: {
    channel: 't.channel',
    product: 't.product',
    tier: 'c.tier',
    priority: 't.priority',
    team: 'a.team',
    agent: 'a.external_id',
  },
  events: { sent: 'f.sent_at' },
  record: {
    type: 'message',
    joins: 'JOIN messages rm ON rm.id = f.id',
    key: 'f.id',
    columns: {
      sourceId: 'rm.external_id',
      ...ticketColumns('t'),
      customerId: 'c.external_id',
      channel: 't.channel',
      product: 't.product',
      tier: 'c.tier',
      agent: 'a.external_id',
      team: 'a.team',
    },
  },
};

/** Survey responses; channel and product come from the surveyed ticket when there is one, the tier from the customer (the survey's, else the ticket's). */
export const SURVEYS: FactSource = {
  name: 'surveys',
  from: `surveys f
    LEFT JOIN tickets t ON t.id = f.ticket_id
    LEFT JOIN customers c ON c.id = COALESCE(f.customer_id, t.customer_id)`,
  dimensions: {
    channel: 'COALESCE(t.channel, f.channel)',
    product: 'COALESCE(t.product, f.product)',
    tier: 'c.tier',
  },
  events: { responded: 'f.responded_at' },
  record: {
    type: 'survey',
    joins: 'LEFT JOIN agents ra ON ra.id = t.assignee_id',
    key: 'f.id',
    columns: {
      sourceId: 'f.external_id',
      ...ticketColumns('t'),
      customerId: 'c.external_id',
      channel: 'COALESCE(t.channel, f.channel)',
      product: 'COALESCE(t.product, f.product)',
      tier: 'c.tier',
      agent: 'ra.external_id',
      team: 'ra.team',
    },
  },
};

/** Orders, segmented by the order's product and the customer's tier. */
export const ORDERS: FactSource = {
  name: 'orders',
  from: `orders f JOIN customers c ON c.id = f.customer_id`,
  dimensions: { product: 'f.product', tier: 'c.tier' },
  events: { ordered: 'f.ordered_at' },
  record: {
    type: 'order',
    key: 'f.id',
    columns: { sourceId: 'f.external_id', customerId: 'c.external_id', product: 'f.product', tier: 'c.tier', createdAt: 'f.ordered_at' },
  },
};

/** Customers, segmented by their tier and product. */
export const CUSTOMERS: FactSource = {
  name: 'customers',
  from: `customers f`,
  dimensions: { tier: 'f.tier', product: 'f.product' },
  events: {},
  record: {
    type: 'customer',
    key: 'f.id',
    columns: {
      sourceId: 'f.external_id',
      customerId: 'f.external_id',
      product: 'f.product',
      tier: 'f.tier',
      createdAt: 'f.signed_up_at',
      churnedAt: 'f.churned_at',
    },
  },
};

/** Agent days; a date counts in the period when its midnight, in the period's time zone, does. */
export const AGENT_ACTIVITY: FactSource = {
  name: 'agentActivity',
  from: `agent_activity f JOIN agents a ON a.id = f.agent_id`,
  dimensions: { agent: 'a.external_id', team: 'a.team' },
  events: { day: '(f.date::timestamp AT TIME ZONE {tz})' },
  // An agent day has no source id of its own: the agent's and the date identify it.
  record: { type: 'agentDay', key: 'f.id', columns: { sourceId: `a.external_id || '/' || f.date::text`, agent: 'a.external_id', team: 'a.team' } },
};
