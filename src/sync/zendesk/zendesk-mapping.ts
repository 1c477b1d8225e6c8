import type { ContractRecord } from '../source-connector';
import type { ZendeskConfig } from './zendesk-config';
import type { ZdChildEvent, ZdMetricSet, ZdOrganization, ZdSatisfactionRating, ZdTicket, ZdTicketEvent, ZdUser } from './zendesk-types';

/**
 * Zendesk records → data-contract records (docs/zendesk.md has the tables). Pure functions: what they need from the
 * database (which agents, customers and tickets exist) comes in as arguments.
 */

export const CONTRACT_CHANNELS = ['email', 'chat', 'phone', 'social', 'web', 'messaging'] as const;
export type ContractChannel = (typeof CONTRACT_CHANNELS)[number];

/** via.channel → contract channel. Values not here (api, rule, closed_ticket, …) take the config's defaultChannel. */
export const DEFAULT_CHANNELS: Record<string, ContractChannel> = {
  email: 'email',
  web: 'web',
  web_form: 'web',
  help_center: 'web',
  web_widget: 'web',
  mobile: 'web',
  sample_ticket: 'web',
  chat: 'chat',
  chat_transcript: 'chat',
  native_messaging: 'messaging',
  mobile_sdk: 'messaging',
  messaging: 'messaging',
  sms: 'messaging',
  whatsapp: 'messaging',
  line: 'messaging',
  wechat: 'messaging',
  telegram: 'messaging',
  viber: 'messaging',
  google_rcs: 'messaging',
  apple_messages_for_business: 'messaging',
  twitter: 'social',
  twitter_dm: 'social',
  facebook: 'social',
  facebook_post: 'social',
  facebook_message: 'social',
  instagram_dm: 'social',
  voice: 'phone',
  phone: 'phone',
};

/** Zendesk's spellings ("Web form", "Rule") as lower-case snake case ("web_form", "rule"). */
export const normaliseVia = (via: string | null | undefined) =>
  (via ?? '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

export function channelOf(via: string | null | undefined, config: ZendeskConfig): ContractChannel {
  const key = normaliseVia(via);
  return config.channels[key] ?? DEFAULT_CHANNELS[key] ?? config.defaultChannel;
}

const PRIORITIES = new Set(['low', 'normal', 'high', 'urgent']);
const RESOLVED_STATUSES = new Set(['solved', 'closed']);
export const DELETED_STATUS = 'deleted';

const firstTagValue = (tags: string[] | null | undefined, prefix: string | undefined) => {
  if (!prefix) return undefined;
  const tag = (tags ?? []).find((t) => t.startsWith(prefix) && t.length > prefix.length);
  return tag?.slice(prefix.length);
};

const text = (value: unknown): string | undefined => {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
};

/** The product of a ticket: the configured custom field, else a tag with the prefix, else the brand's name. */
export function productOf(ticket: ZdTicket, config: ZendeskConfig): string | null {
  const { customFieldId, tagPrefix, brands } = config.product;
  if (customFieldId) {
    const field = (ticket.custom_fields ?? []).find((f) => String(f.id) === customFieldId);
    const value = text(field?.value);
    if (value !== undefined) return value;
  }
  const tagged = firstTagValue(ticket.tags, tagPrefix);
  if (tagged !== undefined) return tagged;
  if (brands && ticket.brand_id != null) return brands[String(ticket.brand_id)] ?? null;
  return null;
}

/** A tier from a configured field, else the first tag with the configured prefix, else the default. */
function tierOf(
  fields: Record<string, unknown> | null | undefined,
  field: string | undefined,
  tags: string[] | null | undefined,
  config: ZendeskConfig,
) {
  return (field ? text(fields?.[field]) : undefined) ?? firstTagValue(tags, config.tier.tagPrefix) ?? config.tier.default;
}

/** An organization as a customer: tier from the configured organization field, else a tag, else the default. */
export function mapOrganization(org: ZdOrganization, config: ZendeskConfig): ContractRecord {
  const tier = tierOf(org.organization_fields, config.tier.organizationField, org.tags, config);
  return { customer_id: String(org.id), tier, signed_up_at: org.created_at, x_name: org.name };
}

/** The customer id of an end user without organization (prefixed: organization ids are plain Zendesk ids). */
export const endUserCustomerId = (userId: number | string) => `user-${userId}`;

/**
 * An end user without organization as a customer of their own (accounts that serve consumers have no organizations):
 * tier from the configured user field, else a tag, else the default. Null for agents, admins and members of an
 * organization (their organization is the customer).
 */
export function mapEndUser(user: ZdUser, config: ZendeskConfig): ContractRecord | null {
  if (user.role !== 'end-user' || user.organization_id != null || !user.created_at) return null;
  const tier = tierOf(user.user_fields, config.tier.userField, user.tags, config);
  return { customer_id: endUserCustomerId(user.id), tier, signed_up_at: user.created_at, x_name: user.name };
}

/** The customer a ticket counts for: its organization, else (without one) its requester as an end-user customer. */
export function ticketCustomerId(ticket: ZdTicket): string | null {
  if (ticket.organization_id != null) return String(ticket.organization_id);
  return ticket.requester_id != null ? endUserCustomerId(ticket.requester_id) : null;
}

/** A user with the agent or admin role as an agent, its team the name of its default group; null for other users. */
export function mapUser(user: ZdUser, groups: Map<string, string>): ContractRecord | null {
  if (user.role !== 'agent' && user.role !== 'admin') return null;
  const team = user.default_group_id != null ? (groups.get(String(user.default_group_id)) ?? null) : null;
  return { agent_id: String(user.id), name: user.name || `Zendesk user ${user.id}`, team };
}

/** What the database holds that a ticket refers to. */
export interface TicketReferences {
  customers: Set<string>;
  agents: Set<string>;
}

const later = (a: string, b: string) => (Date.parse(a) >= Date.parse(b) ? a : b);

/**
 * A ticket as a contract ticket. First responses come from comment events (the importer derives them from agent
 * messages); a ticket created before the backfill's start has no comment events there, so its metric set's reply time
 * (whole minutes) is used instead.
 */
export function mapTicket(
  ticket: ZdTicket,
  metrics: ZdMetricSet | undefined,
  config: ZendeskConfig,
  refs: TicketReferences,
  since: Date | undefined,
): ContractRecord {
  const created = ticket.created_at;
  let resolved: string | null = null;
  if (RESOLVED_STATUSES.has(ticket.status)) resolved = later(metrics?.solved_at ?? ticket.updated_at, created);
  let firstResponse: string | null = null;
  const replyMinutes = metrics?.reply_time_in_minutes?.calendar;
  if (since && Date.parse(created) < since.getTime() && typeof replyMinutes === 'number' && replyMinutes >= 0) {
    firstResponse = new Date(Date.parse(created) + replyMinutes * 60_000).toISOString();
  }
  const tags = ticket.tags ?? [];
  const customer = ticketCustomerId(ticket);
  const assignee = ticket.assignee_id != null ? String(ticket.assignee_id) : null;
  return {
    ticket_id: String(ticket.id),
    customer_id: customer && refs.customers.has(customer) ? customer : null,
    channel: channelOf(ticket.via?.channel, config),
    product: productOf(ticket, config),
    priority: ticket.priority && PRIORITIES.has(ticket.priority) ? ticket.priority : null,
    created_at: created,
    first_response_at: firstResponse,
    resolved_at: resolved,
    escalated: config.escalation.tags.some((t) => tags.includes(t)),
    reopened_count: Math.max(0, metrics?.reopens ?? 0),
    assignee_id: assignee && refs.agents.has(assignee) ? assignee : null,
    x_status: ticket.status,
  };
}

/** What the database holds that a comment refers to: tickets (with their creation time) and agents. */
export interface CommentReferences {
  tickets: Map<string, number>;
  agents: Set<string>;
}

export const SKIP_INTERNAL = 'internal notes (not seen by the customer)';
export const SKIP_NO_TICKET = 'comments of tickets the database does not hold (deleted)';
export const SKIP_BEFORE_TICKET = 'comments dated before their ticket was created (merged tickets)';

const isComment = (e: ZdChildEvent) => (e.event_type ?? e.type) === 'Comment';
const isCreate = (e: ZdChildEvent) => (e.event_type ?? e.type) === 'Create';

/**
 * The public comments of a ticket event as messages. The comment of the audit that created the ticket is the
 * customer's inquiry whoever typed it (an agent logging a call); comments by a configured bot user or through a
 * configured via (triggers, automations, answer bots) are bot messages; comments by agents are agent messages.
 */
export function mapComments(event: ZdTicketEvent, config: ZendeskConfig, refs: CommentReferences, skip: (reason: string) => void): ContractRecord[] {
  const children = event.child_events ?? [];
  const creates = children.some(isCreate);
  const eventVia = normaliseVia(typeof event.via === 'string' ? event.via : event.via?.channel);
  const out: ContractRecord[] = [];
  for (const child of children) {
    if (!isComment(child)) continue;
    if (child.public === false) {
      skip(SKIP_INTERNAL);
      continue;
    }
    const ticketId = String(event.ticket_id);
    const ticketCreated = refs.tickets.get(ticketId);
    if (ticketCreated === undefined) {
      skip(SKIP_NO_TICKET);
      continue;
    }
    const sentAt = child.created_at ?? event.created_at;
    if (Date.parse(sentAt) < ticketCreated) {
      skip(SKIP_BEFORE_TICKET);
      continue;
    }
    const author = child.author_id != null ? String(child.author_id) : null;
    const via = normaliseVia(child.via?.channel) || eventVia;
    let role: 'customer' | 'agent' | 'bot';
    if (creates) role = 'customer';
    else if ((author && config.bots.userIds.includes(author)) || config.bots.via.map(normaliseVia).includes(via)) role = 'bot';
    else if (author && refs.agents.has(author)) role = 'agent';
    else role = 'customer';
    out.push({ message_id: String(child.id), ticket_id: ticketId, author: role, agent_id: role === 'agent' ? author : null, sent_at: sentAt });
  }
  return out;
}

export const SKIP_UNRATED = 'satisfaction ratings offered but not answered';
export const SKIP_RATING_NO_TICKET = 'satisfaction ratings of tickets the database does not hold (deleted)';

/** A good/bad rating as a CSAT survey on the configured scale (good 5, bad 1 by default); null when not answered. */
export function mapRating(
  rating: ZdSatisfactionRating,
  config: ZendeskConfig,
  tickets: Map<string, string | null>,
  skip: (reason: string) => void,
): ContractRecord | null {
  const score = rating.score === 'good' ? config.satisfaction.good : rating.score === 'bad' ? config.satisfaction.bad : undefined;
  if (score === undefined) {
    skip(SKIP_UNRATED);
    return null;
  }
  const ticketId = rating.ticket_id != null ? String(rating.ticket_id) : null;
  if (ticketId === null || !tickets.has(ticketId)) {
    skip(SKIP_RATING_NO_TICKET);
    return null;
  }
  return {
    survey_id: String(rating.id),
    kind: 'csat',
    score,
    responded_at: rating.updated_at,
    ticket_id: ticketId,
    customer_id: tickets.get(ticketId) ?? null,
  };
}
