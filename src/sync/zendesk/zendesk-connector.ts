import type { JsonHttpClient } from '../http-client';
import type { ContractRecord, SourceConnector, StreamCursor, SyncContext, SyncPage, SyncStream } from '../source-connector';
import type { ZendeskConfig } from './zendesk-config';
import { DELETED_STATUS, mapComments, mapEndUser, mapOrganization, mapRating, mapTicket, mapUser, ticketCustomerId } from './zendesk-mapping';
import type {
  ZdCursorPage,
  ZdGroup,
  ZdListPage,
  ZdMetricSet,
  ZdOrganization,
  ZdSatisfactionRating,
  ZdTicket,
  ZdTicketEvent,
  ZdTimePage,
  ZdUser,
} from './zendesk-types';

/**
 * Zendesk Support through its Incremental Export API (docs/zendesk.md). Streams run in this order, each referring only
 * to records of the streams before it: organizations → customers, users → agents, tickets (with the metric_sets
 * side-load) → tickets and deletions, ticket events (with comment_events) → messages, satisfaction ratings → surveys.
 * Group names (agents' teams) are read in full at the start of each run.
 */

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const fromSeconds = (s: number) => new Date(s * 1000);

// Zendesk refuses a start_time within the last minute ("Too recent start_time"); it exports nothing that recent anyway.
const NEWEST_START_SECONDS_AGO = 61;

/** A stream's start: its cursor, else --since; never within the last minute (then the last minute is read again). */
function startTime(cursor: StreamCursor | null, context: SyncContext, stream: string): number {
  let start: number;
  if (cursor && typeof cursor.start === 'number') start = cursor.start;
  else if (context.since) start = seconds(context.since);
  else throw new Error(`${stream} was never synced: give --since <date> for the first sync (the backfill's start)`);
  return Math.min(start, Math.floor(Date.now() / 1000) - NEWEST_START_SECONDS_AGO);
}

/** The ids in a list that exist in a table's external ids. */
async function existing(context: SyncContext, table: 'customers' | 'agents', ids: (string | null)[]): Promise<Set<string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (!wanted.length) return new Set();
  const rows = await context.query<{ external_id: string }>(`SELECT external_id FROM ${table} WHERE external_id = ANY($1::text[])`, [wanted]);
  return new Set(rows.map((r) => r.external_id));
}

const idOrNull = (id: number | null | undefined) => (id == null ? null : String(id));

/** How far a dependent stream may go: no further than the tickets the database holds (see ticketEvents). */
function ticketsWatermark(context: SyncContext): number | null {
  const time = context.stateOf('tickets')?.cursorTime;
  return time ? seconds(time) : null;
}

export class ZendeskConnector implements SourceConnector {
  readonly source = 'zendesk';
  readonly streams: SyncStream[];
  private groups = new Map<string, string>();

  constructor(
    private readonly http: JsonHttpClient,
    private readonly config: ZendeskConfig,
  ) {
    this.streams = [
      { name: 'organizations', nextPage: (c, ctx) => this.organizations(c, ctx) },
      { name: 'users', nextPage: (c, ctx) => this.users(c, ctx) },
      { name: 'tickets', nextPage: (c, ctx) => this.tickets(c, ctx) },
      { name: 'ticket_events', nextPage: (c, ctx) => this.ticketEvents(c, ctx) },
      { name: 'satisfaction_ratings', nextPage: (c, ctx) => this.satisfactionRatings(c, ctx) },
    ];
  }

  /** Reads every group (a few hundred at most): agents' teams are their default group's name. */
  async prepare(): Promise<void> {
    const groups = new Map<string, string>();
    let next: string | null = `/api/v2/groups.json?page[size]=100`;
    while (next) {
      const page: ZdListPage & { groups: ZdGroup[] } = await this.http.get(next);
      for (const g of page.groups ?? []) groups.set(String(g.id), g.name);
      next = page.meta?.has_more ? (page.links?.next ?? null) : null;
    }
    this.groups = groups;
  }

  private async organizations(cursor: StreamCursor | null, context: SyncContext): Promise<SyncPage> {
    const start = startTime(cursor, context, 'organizations');
    const page: ZdTimePage & { organizations: ZdOrganization[] } = await this.http.get(`/api/v2/incremental/organizations.json?start_time=${start}`);
    const orgs = page.organizations ?? [];
    return {
      records: { customers: orgs.map((o) => mapOrganization(o, this.config)) },
      ...timeCursor(page, start),
      read: orgs.length,
    };
  }

  private async users(cursor: StreamCursor | null, context: SyncContext): Promise<SyncPage> {
    const path =
      cursor && typeof cursor.after === 'string'
        ? `/api/v2/incremental/users/cursor.json?cursor=${encodeURIComponent(cursor.after)}`
        : `/api/v2/incremental/users/cursor.json?start_time=${startTime(cursor, context, 'users')}`;
    const page: ZdCursorPage & { users: ZdUser[] } = await this.http.get(path);
    const users = page.users ?? [];
    const agents = users.map((u) => mapUser(u, this.groups)).filter((a): a is ContractRecord => a !== null);
    const customers = users.map((u) => mapEndUser(u, this.config)).filter((c): c is ContractRecord => c !== null);
    const others = users.length - agents.length - customers.length;
    const latest = users.reduce((t, u) => Math.max(t, u.updated_at ? Date.parse(u.updated_at) : 0), 0);
    return {
      records: { agents, customers },
      skipped: others ? [{ count: others, reason: 'end users of an organization (the organization is the customer)' }] : [],
      cursor: { after: page.after_cursor ?? (cursor?.after as string | undefined) ?? null },
      cursorTime: latest ? new Date(latest) : null,
      done: page.end_of_stream,
      read: users.length,
    };
  }

  private async tickets(cursor: StreamCursor | null, context: SyncContext): Promise<SyncPage> {
    // The backfill's start stays in the cursor: tickets created before it get their first response from the metric set.
    const since = typeof cursor?.since === 'number' ? cursor.since : context.since ? seconds(context.since) : null;
    const path =
      cursor && typeof cursor.after === 'string'
        ? `/api/v2/incremental/tickets/cursor.json?cursor=${encodeURIComponent(cursor.after)}&include=metric_sets`
        : `/api/v2/incremental/tickets/cursor.json?start_time=${startTime(cursor, context, 'tickets')}&include=metric_sets`;
    const page: ZdCursorPage & { tickets: ZdTicket[]; metric_sets?: ZdMetricSet[] } = await this.http.get(path);
    const tickets = page.tickets ?? [];
    const metrics = new Map((page.metric_sets ?? []).map((m) => [m.ticket_id, m]));
    const live = tickets.filter((t) => t.status !== DELETED_STATUS);
    const refs = {
      customers: await existing(
        context,
        'customers',
        live.map((t) => ticketCustomerId(t)),
      ),
      agents: await existing(
        context,
        'agents',
        live.map((t) => idOrNull(t.assignee_id)),
      ),
    };
    const sinceDate = since === null ? undefined : fromSeconds(since);
    const latest = tickets.reduce((t, x) => Math.max(t, x.generated_timestamp ?? seconds(new Date(x.updated_at))), 0);
    return {
      records: { tickets: live.map((t) => mapTicket(t, metrics.get(t.id), this.config, refs, sinceDate)) },
      deletedTickets: tickets.filter((t) => t.status === DELETED_STATUS).map((t) => String(t.id)),
      cursor: { after: page.after_cursor ?? (cursor?.after as string | undefined) ?? null, since },
      cursorTime: latest ? fromSeconds(latest) : null,
      done: page.end_of_stream,
      read: tickets.length,
    };
  }

  /**
   * Comments as messages. The stream goes no further than the tickets stream has: a comment newer than the newest
   * ticket change the database holds may belong to a ticket not yet synced; it is read on the next run instead.
   */
  private async ticketEvents(cursor: StreamCursor | null, context: SyncContext): Promise<SyncPage> {
    const start = startTime(cursor, context, 'ticket_events');
    const watermark = ticketsWatermark(context);
    if (watermark === null || start > watermark) return { records: {}, cursor: { start }, cursorTime: null, done: true, read: 0 };
    const page: ZdTimePage & { ticket_events: ZdTicketEvent[] } = await this.http.get(
      `/api/v2/incremental/ticket_events.json?start_time=${start}&include=comment_events`,
    );
    const all = page.ticket_events ?? [];
    const events = all.filter((e) => e.timestamp <= watermark);
    const capped = events.length < all.length;
    const ticketIds = [...new Set(events.map((e) => String(e.ticket_id)))];
    const ticketRows = ticketIds.length
      ? await context.query<{ external_id: string; created_at: Date | string }>(
          `SELECT external_id, created_at FROM tickets WHERE external_id = ANY($1::text[])`,
          [ticketIds],
        )
      : [];
    const authors = events.flatMap((e) => (e.child_events ?? []).map((c) => idOrNull(c.author_id)));
    const refs = {
      tickets: new Map(ticketRows.map((r) => [r.external_id, new Date(r.created_at).getTime()])),
      agents: await existing(context, 'agents', authors),
    };
    const skipped = new Map<string, number>();
    const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    const messages = events.flatMap((e) => mapComments(e, this.config, refs, skip));
    const time = capped ? { cursor: { start: watermark }, cursorTime: fromSeconds(watermark), done: true } : timeCursor(page, start);
    return { records: { messages }, skipped: [...skipped].map(([reason, count]) => ({ reason, count })), ...time, read: events.length };
  }

  /** Ratings as CSAT surveys, by update time, no further than the tickets stream (as ticketEvents). */
  private async satisfactionRatings(cursor: StreamCursor | null, context: SyncContext): Promise<SyncPage> {
    const start = startTime(cursor, context, 'satisfaction_ratings');
    const watermark = ticketsWatermark(context);
    if (watermark === null) return { records: {}, cursor: { start }, cursorTime: null, done: true, read: 0 };
    const path =
      typeof cursor?.next === 'string'
        ? cursor.next
        : `/api/v2/satisfaction_ratings.json?start_time=${start}&sort=created_at&page[size]=${this.config.pageSize}`;
    const page: ZdListPage & { satisfaction_ratings: ZdSatisfactionRating[] } = await this.http.get(path);
    const all = page.satisfaction_ratings ?? [];
    const ratings = all.filter((r) => seconds(new Date(r.updated_at)) <= watermark);
    const ticketIds = [...new Set(ratings.map((r) => idOrNull(r.ticket_id)).filter((id): id is string => id !== null))];
    const rows = ticketIds.length
      ? await context.query<{ ticket: string; customer: string | null }>(
          `SELECT t.external_id AS ticket, c.external_id AS customer FROM tickets t LEFT JOIN customers c ON c.id = t.customer_id WHERE t.external_id = ANY($1::text[])`,
          [ticketIds],
        )
      : [];
    const tickets = new Map(rows.map((r) => [r.ticket, r.customer]));
    const skipped = new Map<string, number>();
    const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
    const surveys = ratings.map((r) => mapRating(r, this.config, tickets, skip)).filter((s): s is ContractRecord => s !== null);
    const high = Math.max(typeof cursor?.high === 'number' ? cursor.high : start, ...ratings.map((r) => seconds(new Date(r.updated_at))));
    const more = Boolean(page.meta?.has_more && page.links?.next) && ratings.length === all.length;
    // Between pages the next page's link is kept; at the end the next run starts at the newest update seen (ratings
    // updated in that second are read again, harmlessly: upserts).
    const next: StreamCursor = more ? { start, next: page.links!.next!, high } : { start: Math.min(high, watermark), next: null, high: null };
    return {
      records: { surveys },
      skipped: [...skipped].map(([reason, count]) => ({ reason, count })),
      cursor: next,
      cursorTime: fromSeconds(more ? high : Math.min(high, watermark)),
      done: !more,
      read: ratings.length,
    };
  }
}

/** The cursor after a page of a time-based export: the next page starts at the page's end_time. */
function timeCursor(page: ZdTimePage, start: number): Pick<SyncPage, 'cursor' | 'cursorTime' | 'done'> {
  const end = typeof page.end_time === 'number' ? page.end_time : start;
  return { cursor: { start: end }, cursorTime: fromSeconds(end), done: page.end_of_stream || !page.next_page };
}
