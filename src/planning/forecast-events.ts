/**
 * Known events for volume forecasts: the business calendars' holidays, events stored with setForecastEvent (launches,
 * campaigns, closures; optionally for one segment) and events given with the query. They become regressors of
 * forecast() (forecasting/events.ts): an effect estimated from the event's past dates, or the multiplier given.
 */
import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, Float, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { EventEffect, ForecastEvent } from '../../forecasting';
import type { ApiContext } from '../api/context';
import { CHANNELS, PRIORITIES } from '../data/domain';
import { badInput } from './forecast-validation';
import type { SegmentFilter } from '../metrics/dimensions';
import { SegmentFilterInput } from '../metrics/targets/segment-filter-input';
import { checkedFilter } from '../metrics/targets/target-resolver';
import { filterKey } from '../metrics/targets/target-loader';
import { isCalendarDate } from '../time/calendar-date';
import { storeForecastEvent } from './forecast-event-store';
import type { ForecastGranularity } from './forecast-types';

@InputType({ description: 'A known event for a volume forecast: a holiday, closure, launch or campaign.' })
export class ForecastEventInput {
  @Field(() => String, { description: 'Its name, unique among the events of a forecast.' }) name: string;
  @Field(() => [String], { description: 'Local dates it covers, YYYY-MM-DD, past and future: past ones teach the model its effect.' })
  dates: string[];
  @Field(() => Float, {
    nullable: true,
    description: 'Its known effect as a multiplier of the usual volume (0 = closed, 1.3 = +30%); estimated from its past dates when left out.',
  })
  multiplier?: number | null;
}

@ObjectType({ description: 'A stored forecast event.' })
export class ForecastEventInfo {
  @Field(() => String) name: string;
  @Field(() => [String]) dates: string[];
  @Field(() => Float, { nullable: true }) multiplier: number | null;
  @Field(() => String, { description: 'The segment it concerns as JSON ({} = every forecast), dimension → values.' }) segment: string;
  @Field(() => DateTimeResolver) updatedAt: Date;
}

@ObjectType({ description: 'The effect of one event on a volume forecast.' })
export class ForecastEventEffect {
  @Field(() => String) name: string;
  @Field(() => String, { description: "'calendar' (a business calendar's holidays), 'stored' (setForecastEvent) or 'argument'." }) origin: string;
  @Field(() => Float, { description: 'Multiplier applied to the forecast buckets it covers.' }) multiplier: number;
  @Field(() => String, {
    description: "'estimated' from its past dates, 'given', or 'none' (no past date to learn from and no multiplier: no effect).",
  })
  source: string;
  @Field(() => Int, { description: 'History buckets it covers (with a usual volume to compare with).' }) historyBuckets: number;
  @Field(() => Int, { description: 'Forecast buckets it covers.' }) forecastBuckets: number;
}

export interface NamedEvent {
  name: string;
  dates: string[];
  multiplier?: number;
  origin: 'calendar' | 'stored' | 'argument';
}

const MAX_EVENTS = 50;
const MAX_DATES = 2000;
const MAX_MULTIPLIER = 100;
/** The name of the event made of the business calendars' holidays. */
export const HOLIDAYS_EVENT = 'holidays';

/** Checks one event input; errors name the field, e.g. `events[1].dates[3]`. */
export function checkEventInput(input: ForecastEventInput, argument: string): Omit<NamedEvent, 'origin'> {
  const name = input.name.trim();
  if (name === '' || name.length > 100) throw badInput(`${argument}.name`, 'give a name of 1 to 100 characters');
  if (input.dates.length === 0) throw badInput(`${argument}.dates`, 'give at least one date');
  if (input.dates.length > MAX_DATES) throw badInput(`${argument}.dates`, `at most ${MAX_DATES} dates`);
  input.dates.forEach((d, i) => {
    if (!isCalendarDate(d)) throw badInput(`${argument}.dates[${i}]`, `expected a date YYYY-MM-DD, got ${JSON.stringify(d)}`);
  });
  const multiplier = input.multiplier ?? undefined;
  if (multiplier !== undefined && !(Number.isFinite(multiplier) && multiplier >= 0 && multiplier <= MAX_MULTIPLIER)) {
    throw badInput(`${argument}.multiplier`, `must be between 0 and ${MAX_MULTIPLIER}`);
  }
  return { name, dates: [...new Set(input.dates)].sort(), ...(multiplier === undefined ? {} : { multiplier }) };
}

/** Checks the `events` argument of a forecast: well-formed, names unique. */
export function checkEventsArgument(inputs: ForecastEventInput[] | null | undefined, argument = 'events'): NamedEvent[] {
  if (!inputs) return [];
  if (inputs.length > MAX_EVENTS) throw badInput(argument, `at most ${MAX_EVENTS} events`);
  const seen = new Set<string>();
  return inputs.map((input, i) => {
    const e = checkEventInput(input, `${argument}[${i}]`);
    if (seen.has(e.name)) throw badInput(`${argument}[${i}].name`, `${JSON.stringify(e.name)} is given twice`);
    seen.add(e.name);
    return { ...e, origin: 'argument' };
  });
}

/** True when every dimension the event is limited to is fixed by the forecast's filter to values inside the event's. */
function concerns(eventFilter: SegmentFilter, filter: SegmentFilter): boolean {
  return Object.entries(eventFilter).every(([d, values]) => {
    const asked = filter[d as keyof SegmentFilter];
    return asked !== undefined && asked.every((v) => values!.includes(v));
  });
}

/**
 * The events of a forecast of `filter`: the holidays of the business calendars its tickets follow (unless
 * `holidays` is false), the stored events concerning its segment, and the argument's events, which replace a stored
 * event or the holidays of the same name.
 */
export async function forecastEventsFor(
  ctx: ApiContext,
  filter: SegmentFilter,
  argumentEvents: NamedEvent[],
  holidays: boolean,
): Promise<NamedEvent[]> {
  const events = new Map<string, NamedEvent>();
  // One round trip: the holidays of the calendars the segment's tickets follow (each channel and priority's calendar
  // as business-hours metrics pick it, ticket_calendar), then the stored events.
  const rows = await ctx.sql.query<{
    origin: 'calendar' | 'stored';
    name: string;
    dates: string[] | null;
    multiplier: number | null;
    filter: SegmentFilter | null;
  }>(
    `SELECT 'calendar' AS origin, $3::text AS name,
            array_agg(DISTINCT to_char(x.date, 'YYYY-MM-DD') ORDER BY to_char(x.date, 'YYYY-MM-DD')) AS dates,
            NULL::float8 AS multiplier, NULL::jsonb AS filter
     FROM business_holidays x
     WHERE $2::boolean AND x.calendar_id IN (SELECT ticket_calendar(c, p) FROM unnest($1::text[]) c CROSS JOIN unnest($4::text[]) p)
     UNION ALL
     SELECT 'stored', e.name, array(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(e.dates) d ORDER BY d), e.multiplier, e.filter
     FROM forecast_events e`,
    [filter.channel ?? CHANNELS, holidays, HOLIDAYS_EVENT, filter.priority ?? PRIORITIES],
  );
  for (const r of rows.sort((a, b) => (a.origin === b.origin ? a.name.localeCompare(b.name) : a.origin === 'calendar' ? -1 : 1))) {
    if (!r.dates?.length || (r.filter && !concerns(r.filter, filter))) continue;
    events.set(r.name, { name: r.name, dates: r.dates, ...(r.multiplier === null ? {} : { multiplier: Number(r.multiplier) }), origin: r.origin });
  }
  for (const e of argumentEvents) events.set(e.name, e);
  return [...events.values()];
}

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/**
 * Turns dated events into forecast() regressors: the positions of the buckets (history, then forecast) holding each
 * date, given every bucket's local start. An hourly forecast covers the 24 buckets of the date, a weekly one the week
 * holding it. Events with no bucket in range are left out.
 */
export function eventRegressors(
  events: NamedEvent[],
  localStarts: string[],
  granularity: ForecastGranularity,
): { events: NamedEvent[]; regressors: ForecastEvent[] } {
  const span = granularity === 'week' ? 7 : 1;
  const bucketOf = new Map<string, number[]>();
  localStarts.forEach((start, i) => {
    const first = start.slice(0, 10);
    for (let k = 0; k < span; k++) {
      const date = addDays(first, k);
      const list = bucketOf.get(date);
      if (list) list.push(i);
      else bucketOf.set(date, [i]);
    }
  });
  const kept: NamedEvent[] = [];
  const regressors: ForecastEvent[] = [];
  for (const e of events) {
    const at = [...new Set(e.dates.flatMap((d) => bucketOf.get(d) ?? []))].sort((a, b) => a - b);
    if (at.length === 0) continue;
    kept.push(e);
    regressors.push({ name: e.name, at, ...(e.multiplier === undefined ? {} : { multiplier: e.multiplier }) });
  }
  return { events: kept, regressors };
}

/** The API's view of forecast()'s event effects. */
export function toEventEffects(events: NamedEvent[], effects: EventEffect[] | undefined): ForecastEventEffect[] {
  return (effects ?? []).map((e, i) => ({
    name: e.name,
    origin: events[i].origin,
    multiplier: e.multiplier,
    source: e.source,
    historyBuckets: e.historyPositions,
    forecastBuckets: e.forecastPositions,
  }));
}

/** Setting, removing and listing stored forecast events. */
@Resolver()
export class ForecastEventResolver {
  @Authorized('admin')
  @Mutation(() => ForecastEventInfo, {
    description: 'Stores a known event (launch, campaign, closure) for volume forecasts of a segment, or replaces the one of that name.',
  })
  async setForecastEvent(
    @Arg('event', () => ForecastEventInput) input: ForecastEventInput,
    @Arg('segment', () => SegmentFilterInput, {
      nullable: true,
      description: 'Only forecasts within this segment use it; all forecasts when left out.',
    })
    segment: SegmentFilterInput | null,
    @Ctx() ctx: ApiContext,
  ): Promise<ForecastEventInfo> {
    const e = checkEventInput(input, 'event');
    const filter = checkedFilter('ticketVolume', segment, 'segment');
    const updatedAt = await storeForecastEvent(ctx.sql, e, filter);
    return { name: e.name, dates: e.dates, multiplier: e.multiplier ?? null, segment: filterKey(filter), updatedAt };
  }

  @Authorized('admin')
  @Mutation(() => Boolean, { description: 'Removes a stored forecast event; false when there was none of that name.' })
  async removeForecastEvent(@Arg('name', () => String) name: string, @Ctx() ctx: ApiContext): Promise<boolean> {
    const [row] = await ctx.sql.query<{ n: number }>(
      `WITH d AS (DELETE FROM forecast_events WHERE name = $1 RETURNING id) SELECT count(*)::int AS n FROM d`,
      [name],
    );
    return row.n > 0;
  }

  // Company planning data rather than a partner's segment: admins and analysts only.
  @Authorized('admin', 'analyst')
  @Query(() => [ForecastEventInfo], { description: 'Every stored forecast event.' })
  async forecastEvents(@Ctx() ctx: ApiContext): Promise<ForecastEventInfo[]> {
    const rows = await ctx.sql.query<{ name: string; dates: string[]; multiplier: number | null; filter: SegmentFilter; updated_at: Date }>(
      `SELECT name, array(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(dates) d ORDER BY d) AS dates, multiplier, filter, updated_at FROM forecast_events ORDER BY name`,
      [],
    );
    return rows.map((r) => ({
      name: r.name,
      dates: r.dates,
      multiplier: r.multiplier === null ? null : Number(r.multiplier),
      segment: filterKey(r.filter),
      updatedAt: new Date(r.updated_at),
    }));
  }
}
