import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ZdGroup,
  ZdMetricSet,
  ZdOrganization,
  ZdSatisfactionRating,
  ZdTicket,
  ZdTicketEvent,
  ZdUser,
} from '../../src/sync/zendesk/zendesk-types';

/**
 * A Zendesk Support account on loopback that answers like the public API reference describes (and as the fixtures of
 * open-source connectors, e.g. Airbyte's source-zendesk-support, show): cursor-based incremental exports of tickets
 * (with the metric_sets side-load) and users, time-based exports of organizations and ticket events (with comment
 * events), cursor-paginated groups and satisfaction ratings. Its next-page URLs name the real Zendesk host, as a
 * proxy's would, so the client must re-root them. Failures (429 with Retry-After, 5xx, dropped connections) are
 * injected per path.
 */

export interface FakeData {
  groups: ZdGroup[];
  organizations: (ZdOrganization & { updated_at: string })[];
  users: (ZdUser & { updated_at: string })[];
  tickets: ZdTicket[];
  metricSets: ZdMetricSet[];
  ticketEvents: ZdTicketEvent[];
  ratings: ZdSatisfactionRating[];
}

interface InjectedFailure {
  pathPart: string;
  status: number | 'drop';
  headers: Record<string, string>;
  times: number;
}

const UPSTREAM = 'https://acme.zendesk.com';
const ts = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const encode = (position: { t: number; id: number }) => Buffer.from(JSON.stringify(position)).toString('base64url');
const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { t: number; id: number };
const after = (a: { t: number; id: number }, b: { t: number; id: number }) => a.t > b.t || (a.t === b.t && a.id > b.id);

/** The index of the first item of a sorted list for which `test` holds (it holds for every item after it), else its length. */
function firstIndex<T>(sorted: T[], test: (item: T) => boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (test(sorted[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export class FakeZendesk {
  url = '';
  pageSize = 2;
  /** Every request's path and query, in order. */
  readonly requests: string[] = [];
  /** Authorization headers that did not match the account's. */
  readonly unauthorized: string[] = [];
  private readonly failures: InjectedFailure[] = [];
  /** Sorted copies of the data's lists, kept while `frozen` (the benchmark's large histories); tests mutate the data instead. */
  frozen = false;
  /** Milliseconds every answer waits (to catch a sync in the middle of a run). */
  delayMs = 0;
  private readonly sorted = new Map<unknown[], unknown[]>();
  private server: Server | undefined;

  constructor(
    public data: FakeData,
    private readonly credentials = { email: 'ops@acme.test', token: 'tok-SECRET-123' },
  ) {}

  get env(): Record<string, string> {
    return { ZENDESK_URL: this.url, ZENDESK_EMAIL: this.credentials.email, ZENDESK_API_TOKEN: this.credentials.token };
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      if (this.delayMs) setTimeout(() => this.handle(req, res), this.delayMs);
      else this.handle(req, res);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** The next `times` requests whose path contains `pathPart` fail with `status` (or a dropped connection). */
  fail(pathPart: string, status: number | 'drop', headers: Record<string, string> = {}, times = 1): void {
    this.failures.push({ pathPart, status, headers, times });
  }

  /** Drops the failures not yet served. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    this.requests.push(`${url.pathname}${url.search}`);
    const expected = `Basic ${Buffer.from(`${this.credentials.email}/token:${this.credentials.token}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      this.unauthorized.push(String(req.headers.authorization));
      return this.send(res, 401, { error: "Couldn't authenticate you" });
    }
    const failure = this.failures.find((f) => f.times > 0 && url.pathname.includes(f.pathPart));
    if (failure) {
      failure.times--;
      if (failure.status === 'drop') {
        req.socket.destroy();
        return;
      }
      res.writeHead(failure.status, { 'content-type': 'application/json', ...failure.headers });
      res.end(JSON.stringify({ error: failure.status === 429 ? 'APIRateLimitExceeded' : 'InternalError' }));
      return;
    }
    const q = url.searchParams;
    switch (url.pathname) {
      case '/api/v2/groups.json':
        return this.send(
          res,
          200,
          this.listPage('groups', this.data.groups, (g) => ({ t: 0, id: g.id }), url),
        );
      case '/api/v2/incremental/organizations.json':
        return this.send(
          res,
          200,
          this.timePage('organizations', this.data.organizations, (o) => ts(o.updated_at), url),
        );
      case '/api/v2/incremental/users/cursor.json':
        return this.send(
          res,
          200,
          this.cursorPage('users', this.data.users, (u) => ts(u.updated_at), url),
        );
      case '/api/v2/incremental/tickets/cursor.json': {
        const page = this.cursorPage('tickets', this.data.tickets, (t) => t.generated_timestamp ?? ts(t.updated_at), url);
        if (q.get('include') === 'metric_sets') {
          const ids = new Set((page.tickets as ZdTicket[]).filter((t) => t.status !== 'deleted').map((t) => t.id));
          page.metric_sets = this.frozen
            ? [...ids].flatMap((id) => this.metricSetsByTicket().get(id) ?? [])
            : this.data.metricSets.filter((m) => ids.has(m.ticket_id));
        }
        return this.send(res, 200, page);
      }
      case '/api/v2/incremental/ticket_events.json': {
        const withComments = q.get('include') === 'comment_events';
        const events = withComments
          ? this.data.ticketEvents
          : this.data.ticketEvents.map((e) => ({ ...e, child_events: (e.child_events ?? []).filter((c) => (c.event_type ?? c.type) !== 'Comment') }));
        return this.send(
          res,
          200,
          this.timePage('ticket_events', events, (e) => e.timestamp, url),
        );
      }
      case '/api/v2/satisfaction_ratings.json': {
        const start = Number(q.get('start_time') ?? 0);
        const ratings = this.data.ratings.filter((r) => ts(r.updated_at) >= start);
        return this.send(
          res,
          200,
          this.listPage('satisfaction_ratings', ratings, (r) => ({ t: ts(r.updated_at), id: r.id }), url),
        );
      }
      default:
        return this.send(res, 404, { error: 'InvalidEndpoint', description: 'Not found' });
    }
  }

  /** The metric sets by ticket, kept while `frozen`. */
  private metricSetsByTicket(): Map<number, ZdMetricSet[]> {
    if (this.metricIndex?.of !== this.data.metricSets) {
      const byTicket = new Map<number, ZdMetricSet[]>();
      for (const m of this.data.metricSets) byTicket.set(m.ticket_id, [...(byTicket.get(m.ticket_id) ?? []), m]);
      this.metricIndex = { of: this.data.metricSets, byTicket };
    }
    return this.metricIndex.byTicket;
  }
  private metricIndex: { of: ZdMetricSet[]; byTicket: Map<number, ZdMetricSet[]> } | undefined;

  private sortedBy<T extends { id: number }>(items: T[], time: (item: T) => number): T[] {
    const cached = this.frozen ? (this.sorted.get(items) as T[] | undefined) : undefined;
    if (cached) return cached;
    const sorted = [...items].sort((a, b) => time(a) - time(b) || a.id - b.id);
    if (this.frozen) this.sorted.set(items, sorted);
    else this.sorted.clear();
    return sorted;
  }

  /** Cursor-based incremental export: start_time or cursor; after_cursor always given, end_of_stream when nothing follows. */
  private cursorPage<T extends { id: number }>(key: string, items: T[], time: (item: T) => number, url: URL): Record<string, unknown> {
    const q = url.searchParams;
    const sorted = this.sortedBy(items, time);
    const cursor = q.get('cursor');
    const from = cursor ? decode(cursor) : { t: Number(q.get('start_time')), id: -1 };
    if (!cursor && !Number.isInteger(from.t)) return { error: 'start_time or cursor is required' };
    // The sorted list is searched, not filtered: the benchmark's pages would otherwise cost the whole list each.
    const first = firstIndex(sorted, (i) => (cursor ? after({ t: time(i), id: i.id }, from) : time(i) >= from.t));
    const rest = sorted.length - first;
    const page = sorted.slice(first, first + this.pageSize);
    const last = page.length ? { t: time(page[page.length - 1]), id: page[page.length - 1].id } : cursor ? from : { t: from.t, id: -1 };
    const afterCursor = encode(last);
    return {
      [key]: page,
      after_url: `${UPSTREAM}${url.pathname}?cursor=${afterCursor}`,
      after_cursor: afterCursor,
      before_url: null,
      before_cursor: null,
      end_of_stream: rest <= this.pageSize,
    };
  }

  /** Time-based incremental export: start_time inclusive; a page ends with every item of its last second. */
  private timePage<T extends { id: number }>(key: string, items: T[], time: (item: T) => number, url: URL): Record<string, unknown> {
    const start = Number(url.searchParams.get('start_time'));
    const sorted = this.sortedBy(items, time);
    const first = firstIndex(sorted, (i) => time(i) >= start);
    let page = sorted.slice(first, first + this.pageSize);
    if (page.length) {
      const lastTime = time(page[page.length - 1]);
      page = sorted.slice(
        first,
        firstIndex(sorted, (i) => time(i) > lastTime),
      );
    }
    const lastTime = page.length ? time(page[page.length - 1]) : start;
    // A page all of one second would repeat itself: the next starts a second later.
    const endTime = page.length && time(page[0]) === lastTime && page.length >= this.pageSize && lastTime === start ? lastTime + 1 : lastTime;
    const endOfStream = firstIndex(sorted, (i) => time(i) > lastTime) === sorted.length;
    const extra = url.searchParams.get('include') ? `&include=${url.searchParams.get('include')}` : '';
    return {
      [key]: page,
      count: page.length,
      end_time: endTime,
      next_page: endOfStream ? null : `${UPSTREAM}${url.pathname}?start_time=${endTime}${extra}`,
      end_of_stream: endOfStream,
    };
  }

  /** Cursor pagination of list endpoints: page[size], page[after]; meta.has_more and links.next. */
  private listPage<T extends { id: number }>(
    key: string,
    items: T[],
    position: (item: T) => { t: number; id: number },
    url: URL,
  ): Record<string, unknown> {
    const q = url.searchParams;
    const size = Number(q.get('page[size]') ?? 100);
    const afterParam = q.get('page[after]');
    const sorted = [...items].sort((a, b) => position(a).t - position(b).t || a.id - b.id);
    const from = afterParam ? decode(afterParam) : undefined;
    const rest = from ? sorted.filter((i) => after(position(i), from)) : sorted;
    const page = rest.slice(0, Math.min(size, this.pageSize));
    const hasMore = rest.length > page.length;
    const afterCursor = page.length ? encode(position(page[page.length - 1])) : null;
    const next = new URLSearchParams(q);
    if (afterCursor) next.set('page[after]', afterCursor);
    return {
      [key]: page,
      meta: { has_more: hasMore, after_cursor: afterCursor, before_cursor: null },
      links: { next: hasMore ? `${UPSTREAM}${url.pathname}?${next.toString()}` : null, prev: null },
    };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  }
}
