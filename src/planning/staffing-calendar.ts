import type { ApiContext } from '../api/context';
import { PRIORITIES } from '../data/domain';
import { normaliseFilter, type SegmentFilter } from '../metrics/dimensions';
import { TICKETS } from '../metrics/fact-sources';
import { filterConditions } from '../metrics/metric-query';
import type { Period } from '../metrics/period';
import { effectiveFilter } from '../metrics/scope';
import { SqlParams } from '../metrics/sql-params';

/** The business calendar a staffing plan follows. */
export interface StaffingCalendar {
  /** Row id: it changes whenever the calendar is set again, so it versions cached plans. */
  id: string;
  name: string;
  timezone: string;
}

/** The calendar a plan follows (null: none applies, open around the clock) and what the planner should know about the choice. */
export interface CalendarChoice {
  calendar: StaffingCalendar | null;
  note: string | null;
}

/**
 * The business calendar of a channel's segment, picked as business-hours metrics pick it (ticket_calendar: the most
 * specific calendar for the channel and priority, the newest of equally specific ones). When the segment's priorities follow different calendars, the plan
 * follows the one that applies to most of the history's tickets and says so: one plan has one set of opening hours.
 */
export async function staffingCalendar(ctx: ApiContext, channel: string, filter: SegmentFilter, history: Period): Promise<CalendarChoice> {
  const effective = normaliseFilter(effectiveFilter(filter, ctx.caller.scope));
  const priorities = effective.priority ?? [...PRIORITIES];
  const candidates = await ctx.sql.query<{ id: string | null; name: string | null; timezone: string | null }>(
    `SELECT c.id::text AS id, k.name, k.timezone
     FROM (SELECT DISTINCT ticket_calendar($1, p) AS id FROM unnest($2::text[]) AS p) c
     LEFT JOIN business_calendars k ON k.id = c.id
     ORDER BY c.id NULLS LAST`,
    [channel, priorities],
  );
  const asCalendar = (r: { id: string | null; name: string | null; timezone: string | null }): StaffingCalendar | null =>
    r.id === null ? null : { id: r.id, name: r.name!, timezone: r.timezone! };
  if (candidates.length === 1) return { calendar: asCalendar(candidates[0]), note: null };

  // Several calendars: weigh them by the segment's tickets over the history.
  const params = new SqlParams();
  const from = params.add(history.from.toISOString());
  const to = params.add(history.to.toISOString());
  const where = filterConditions(TICKETS, effective, params);
  const [top] = await ctx.sql.query<{ id: string | null }>(
    `SELECT ticket_calendar(f.channel, f.priority)::text AS id, count(*) AS n FROM ${TICKETS.from}
     WHERE f.created_at >= ${from}::timestamptz AND f.created_at < ${to}::timestamptz ${where.length ? `AND ${where.join(' AND ')}` : ''}
     GROUP BY 1 ORDER BY n DESC, 1 NULLS LAST LIMIT 1`,
    params.values,
  );
  const chosen = candidates.find((c) => c.id === (top ? top.id : candidates[0].id)) ?? candidates[0];
  const label = (r: { name: string | null }) => (r.name === null ? 'none (open around the clock)' : `'${r.name}'`);
  return {
    calendar: asCalendar(chosen),
    note:
      `The priorities of this segment follow different business calendars (${candidates.map(label).join(', ')}); ` +
      `the plan follows ${label(chosen)}, which applies to most of the history's tickets: plan per priority for the others.`,
  };
}

/**
 * Whether the calendar is open during each interval (for any part of it), holidays and DST included: the SQL function
 * business-hours metrics use, so a plan and those metrics never disagree on when the desk is open.
 */
export async function openIntervals(ctx: ApiContext, calendar: StaffingCalendar | null, starts: Date[], intervalSeconds: number): Promise<boolean[]> {
  if (!calendar) return starts.map(() => true);
  const rows = await ctx.sql.query<{ open: boolean }>(
    `SELECT business_seconds($1::bigint, u.s, u.s + $3 * interval '1 second') > 0 AS open
     FROM unnest($2::timestamptz[]) WITH ORDINALITY AS u(s, i) ORDER BY u.i`,
    [calendar.id, starts.map((s) => s.toISOString()), intervalSeconds],
  );
  return rows.map((r) => r.open === true || (r.open as unknown) === 't');
}

/**
 * The contacts of the history's last hours in which the calendar was closed (those just before the plan starts, such as
 * a weekend before a Monday plan): they wait for the plan's first opening. Counted, not forecast: the hourly history
 * the forecast learns from. An hour open for any part of it ends the run, as an interval does in the plan.
 */
export async function closedRunBeforePlan(
  ctx: ApiContext,
  calendar: StaffingCalendar | null,
  history: { start: Date; value: number | null }[],
): Promise<number> {
  if (!calendar || !history.length) return 0;
  // A closed run longer than two weeks is not a desk's opening hours; looking further back would only cost time.
  const recent = history.slice(-14 * 24);
  const open = await openIntervals(
    ctx,
    calendar,
    recent.map((b) => new Date(b.start)),
    3600,
  );
  let backlog = 0;
  for (let k = recent.length - 1; k >= 0 && !open[k]; k--) backlog += recent[k].value ?? 0;
  return backlog;
}

/** Contacts per interval once the arrivals of closed intervals are carried into the next open one. */
export interface CarriedContacts {
  /** Contacts to work per interval: arrivals while open plus the backlog carried in; 0 while closed. */
  contacts: number[];
  /** The part of `contacts` that arrived while closed. */
  carried: number[];
  /** Arrivals after the plan's last open interval: the next opening, after the plan, works them. */
  carriedBeyondPlan: number;
}

/**
 * Carries what arrives while the desk is closed into the first open interval after it, as a backlog the plan works off
 * there: every arrival is worked exactly once, in the plan or (after its last opening) beyond it. `openingBacklog`
 * (contacts that arrived while closed before the plan) waits for the first open interval like them.
 */
export function carryClosedContacts(arrivals: readonly number[], open: readonly boolean[], openingBacklog = 0): CarriedContacts {
  const contacts: number[] = [];
  const carried: number[] = [];
  let backlog = openingBacklog;
  arrivals.forEach((a, k) => {
    if (open[k]) {
      contacts.push(a + backlog);
      carried.push(backlog);
      backlog = 0;
    } else {
      contacts.push(0);
      carried.push(0);
      backlog += a;
    }
  });
  return { contacts, carried, carriedBeyondPlan: backlog };
}
