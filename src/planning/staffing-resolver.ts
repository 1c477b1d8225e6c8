import { DateTimeResolver } from 'graphql-scalars';
import { Args, ArgsType, Ctx, Field, Float, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../api/context';
import { ApiError, ErrorCode } from '../api/errors';
import type { Channel } from '../data/domain';
import { normaliseFilter, type SegmentFilter } from '../metrics/dimensions';
import { TICKETS } from '../metrics/fact-sources';
import { ChannelEnum, PriorityEnum } from '../metrics/graphql-enums';
import { filterConditions } from '../metrics/metric-query';
import { validateTimeZone } from '../metrics/metric-validation';
import type { Period } from '../metrics/period';
import { metricByName } from '../metrics/registry';
import { assertFilterInScope, assertMetricInScope, effectiveFilter } from '../metrics/scope';
import { SqlParams } from '../metrics/sql-params';
import { cached, volumeForecast } from './forecast-resolver';
import { BacktestAccuracy } from './forecast-types';
import { checkNumber } from './forecast-validation';
import { nextBuckets } from './future-buckets';
import { carryClosedContacts, closedRunBeforePlan, openIntervals, staffingCalendar } from './staffing-calendar';
import { planOpenStaffing, type StaffingModel, type StaffingParameters } from './staffing-plan';
import { adjustSeries, checkAdjustment, VolumeAdjustmentInput } from './volume-adjustment';
import { loadVolumeHistory } from './volume-forecast';

/** Channels answered live; the others are worked asynchronously against a response-time target. */
const LIVE_CHANNELS: readonly Channel[] = ['phone', 'chat'];

@ArgsType()
class StaffingPlanArgs {
  @Field(() => ChannelEnum) channel: Channel;
  @Field(() => [String], { nullable: true, description: 'Only these products.' }) product?: string[];
  @Field(() => [String], { nullable: true, description: 'Only customers of these tiers.' }) tier?: string[];
  @Field(() => [PriorityEnum], { nullable: true, description: 'Only these priorities.' }) priority?: string[];
  @Field(() => DateTimeResolver, { description: 'Start of the plan, on a whole hour of the time zone; the history ends here.' }) from: Date;
  @Field(() => Int, { defaultValue: 7, description: 'Days to plan.' }) days: number;
  @Field(() => Int, { defaultValue: 30, description: 'Interval length: 15, 30 or 60 minutes.' }) intervalMinutes: number;
  @Field(() => String, { defaultValue: 'UTC', description: 'IANA time zone of intervals and days.' }) timezone: string;
  @Field(() => Int, { defaultValue: 56, description: 'Days of hourly history the volume forecast learns from.' }) historyDays: number;
  @Field(() => Float, { defaultValue: 0.8, description: 'Share of contacts to answer within targetAnswerSeconds (live channels).' })
  targetServiceLevel: number;
  @Field(() => Float, { defaultValue: 20, description: 'Answer-time target in seconds (live channels).' }) targetAnswerSeconds: number;
  @Field(() => Float, { defaultValue: 0.85, description: 'Occupancy cap, 0–1.' }) maxOccupancy: number;
  @Field(() => Float, { defaultValue: 0.3, description: 'Share of paid time not available for contacts, 0–1.' }) shrinkage: number;
  @Field(() => Float, {
    nullable: true,
    description: "Handle time per contact in seconds; default: the channel's measured average handle time over the history.",
  })
  ahtSeconds?: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Callers’ mean patience in seconds (phone with abandonment); default: measured time to abandon.',
  })
  patienceSeconds?: number | null;
  @Field(() => Int, { defaultValue: 1, description: 'Chat sessions an agent handles at once.' }) concurrency: number;
  @Field(() => Float, { defaultValue: 14400, description: 'Asynchronous channels: every item answered within this many seconds.' })
  responseTargetSeconds: number;
  @Field(() => Float, { defaultValue: 8, description: 'Paid hours of one FTE per day.' }) hoursPerFte: number;
  @Field(() => VolumeAdjustmentInput, {
    nullable: true,
    description: 'A volume scenario (e.g. multiplier 1.2 for +20%), planned as `scenario` beside the unchanged baseline.',
  })
  adjustment?: VolumeAdjustmentInput | null;
}

@ObjectType({ description: 'The requirement of one interval of a staffing plan.' })
class StaffingInterval {
  @Field(() => DateTimeResolver) start: Date;
  @Field(() => String) localStart: string;
  @Field(() => Boolean, {
    description: "Whether the channel's business calendar is open in the interval (for any part of it); always true without a calendar.",
  })
  open: boolean;
  @Field(() => Float, { description: 'Forecast contacts arriving in the interval, open or not.' }) arrivals: number;
  @Field(() => Float, { description: 'Contacts that arrived while closed and are worked in this interval (the first open one after them).' })
  carriedContacts: number;
  @Field(() => Float, { description: 'Contacts to work in the interval: its arrivals plus carriedContacts when open, 0 when closed.' })
  contacts: number;
  @Field(() => Int, { description: 'Productive agents needed.' }) agents: number;
  @Field(() => Int, { description: 'Agents to schedule after shrinkage.' }) scheduledAgents: number;
  @Field(() => Float, { nullable: true, description: 'Expected share answered within target (live channels).' }) serviceLevel: number | null;
  @Field(() => Float, { nullable: true, description: 'Expected mean wait in seconds (live channels).' }) averageSpeedOfAnswer: number | null;
  @Field(() => Float) occupancy: number;
  @Field(() => Float, { nullable: true, description: 'Expected abandonment probability (Erlang A).' }) abandonRate: number | null;
}

@ObjectType({ description: 'Daily totals of a staffing plan.' })
class StaffingDay {
  @Field(() => String, { description: 'Local date, YYYY-MM-DD.' }) date: string;
  @Field(() => Float, { description: 'Forecast contacts arriving on the day.' }) arrivals: number;
  @Field(() => Float, { description: 'Contacts worked on the day that arrived while closed (on the day or before it).' }) carriedContacts: number;
  @Field(() => Float, { description: 'Contacts worked on the day: Σ contacts of its intervals.' }) contacts: number;
  @Field(() => Float, { description: 'Σ scheduled agents × interval length.' }) agentHours: number;
  @Field(() => Float, { description: 'Σ productive agents × interval length.' }) productiveAgentHours: number;
  @Field(() => Float, { description: 'agentHours / hoursPerFte.' }) fte: number;
  @Field(() => Int) peakScheduledAgents: number;
}

@ObjectType({ description: 'Totals of a whole staffing plan.' })
class StaffingTotals {
  @Field(() => Float, { description: 'Forecast contacts arriving over the plan.' }) arrivals: number;
  @Field(() => Float, { description: 'Contacts worked in the plan that arrived while closed (openingBacklog included).' }) carriedContacts: number;
  @Field(() => Float, {
    description:
      "Contacts that arrive after the plan's last open interval, left for the next opening after the plan: contacts + carriedBeyondPlan = arrivals + openingBacklog.",
  })
  carriedBeyondPlan: number;
  @Field(() => Float, { description: 'Contacts worked in the plan.' }) contacts: number;
  @Field(() => Float, { description: 'Σ scheduled agents × interval length.' }) agentHours: number;
  @Field(() => Float, { description: 'agentHours / hoursPerFte / days: the FTE needed on an average day of the plan.' }) fte: number;
  @Field(() => Int) peakScheduledAgents: number;
  @Field(() => Float, { nullable: true, description: 'Expected share answered within target over the plan, weighted by contacts (live channels).' })
  serviceLevel: number | null;
}

@ObjectType({ description: 'A staffing plan for adjusted volume, beside the baseline plan: same handle time, model and targets.' })
class StaffingScenario {
  @Field(() => [StaffingInterval]) intervals: StaffingInterval[];
  @Field(() => [StaffingDay]) days: StaffingDay[];
  @Field(() => StaffingTotals) totals: StaffingTotals;
}

@ObjectType({ description: 'Agents required per interval to meet a service target, from a volume forecast and handle time.' })
class StaffingPlan {
  @Field(() => String) channel: string;
  @Field(() => String, { description: "'erlang-c', 'erlang-a' (callers abandon), 'chat' (Erlang C on session slots) or 'workload' (asynchronous)." })
  model: StaffingModel;
  @Field(() => Float) ahtSeconds: number;
  @Field(() => String, { description: "'measured' or 'argument'." }) ahtSource: string;
  @Field(() => Float, { nullable: true }) patienceSeconds: number | null;
  @Field(() => Float, { nullable: true, description: 'Measured abandonment rate over the history, %.' }) measuredAbandonmentRate: number | null;
  @Field(() => String, {
    nullable: true,
    description:
      'The business calendar whose opening hours and holidays the plan follows; null when none applies to the channel (open around the clock).',
  })
  calendar: string | null;
  @Field(() => String, { nullable: true, description: "The calendar's time zone (opening hours are local to it)." }) calendarTimezone: string | null;
  @Field(() => Float, {
    description:
      "Contacts counted in the history's closed hours just before `from` (e.g. a weekend before a Monday plan), carried into the plan's first open interval; 0 without a calendar.",
  })
  openingBacklog: number;
  @Field(() => String, { description: "The volume forecast's model: the one ticketVolumeForecast chooses for the channel's hourly history." })
  forecastModel: string;
  @Field(() => BacktestAccuracy, { nullable: true, description: "The volume forecast's rolling-origin backtest accuracy." })
  forecastAccuracy: BacktestAccuracy | null;
  @Field(() => [StaffingInterval]) intervals: StaffingInterval[];
  @Field(() => [StaffingDay]) days: StaffingDay[];
  @Field(() => StaffingTotals) totals: StaffingTotals;
  @Field(() => String, { nullable: true }) note: string | null;
  @Field(() => StaffingScenario, {
    nullable: true,
    description: 'With `adjustment`: the plan for the adjusted volume; the fields above stay the baseline. Null without it.',
  })
  scenario?: StaffingScenario | null;
}

/** The local minutes past the hour of an instant in a zone (0 for a whole hour). */
function minutesPastHour(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, minute: '2-digit', second: '2-digit' }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  return get('minute') * 60 + get('second') + (at.getUTCMilliseconds() ? 1 : 0);
}

/** Mean time to abandon (seconds) of the segment's abandoned tickets in a period, within the caller's scope. */
async function measuredPatience(ctx: ApiContext, period: Period, filter: SegmentFilter): Promise<number | null> {
  const params = new SqlParams();
  const from = params.add(period.from.toISOString());
  const to = params.add(period.to.toISOString());
  const where = filterConditions(TICKETS, normaliseFilter(effectiveFilter(filter, ctx.caller.scope)), params);
  const [row] = await ctx.sql.query<{ s: number | null }>(
    `SELECT avg(extract(epoch FROM f.abandoned_at - f.created_at))::float8 AS s FROM ${TICKETS.from}
     WHERE f.created_at >= ${from}::timestamptz AND f.created_at < ${to}::timestamptz AND f.abandoned_at IS NOT NULL
     ${where.length ? `AND ${where.join(' AND ')}` : ''}`,
    params.values,
  );
  return row.s === null ? null : Number(row.s);
}

/** The staffing plan query. */
@Resolver()
export class StaffingResolver {
  @Query(() => StaffingPlan, {
    description:
      'Agents needed per interval for a channel and segment: forecast contacts, handle time, Erlang C/A or the workload model, daily agent-hours and FTE.',
    // An hourly history, an hourly forecast, and a queueing model per interval.
    complexity: ({ args, childComplexity }) =>
      Number(args.historyDays ?? 56) * 24 * 2 + Number(args.days ?? 7) * 96 * (args.adjustment ? 2 : 1) + childComplexity,
  })
  async staffingPlan(@Args(() => StaffingPlanArgs) args: StaffingPlanArgs, @Ctx() ctx: ApiContext): Promise<StaffingPlan> {
    const volume = metricByName('ticketVolume');
    assertMetricInScope(volume, ctx.caller.scope);
    const filter = normaliseFilter({
      channel: [args.channel],
      product: args.product ?? undefined,
      tier: args.tier ?? undefined,
      priority: args.priority ?? undefined,
    });
    for (const d of ['product', 'tier', 'priority'] as const) {
      if (args[d] && args[d]!.length === 0) throw new ApiError(ErrorCode.BAD_USER_INPUT, `${d}: give at least one value, or leave it out`, d);
    }
    assertFilterInScope(filter, ctx.caller.scope);
    validateTimeZone(args.timezone, 'timezone');
    if (minutesPastHour(args.from, args.timezone) !== 0) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, `from: must be on a whole hour in ${args.timezone}`, 'from');
    }
    if (![15, 30, 60].includes(args.intervalMinutes))
      throw new ApiError(ErrorCode.BAD_USER_INPUT, 'intervalMinutes: must be 15, 30 or 60', 'intervalMinutes');
    const days = checkNumber(args.days, 'days', 1, 31, true);
    const historyDays = checkNumber(args.historyDays, 'historyDays', 14, 730, true);
    checkNumber(args.targetServiceLevel, 'targetServiceLevel', 0.01, 0.999);
    checkNumber(args.targetAnswerSeconds, 'targetAnswerSeconds', 1, 86400);
    checkNumber(args.maxOccupancy, 'maxOccupancy', 0.05, 1);
    checkNumber(args.shrinkage, 'shrinkage', 0, 0.95);
    checkNumber(args.concurrency, 'concurrency', 1, 20, true);
    checkNumber(args.hoursPerFte, 'hoursPerFte', 0.5, 24);
    if (args.ahtSeconds != null) checkNumber(args.ahtSeconds, 'ahtSeconds', 1, 86400);
    if (args.patienceSeconds != null) checkNumber(args.patienceSeconds, 'patienceSeconds', 1, 86400);
    const intervalSeconds = args.intervalMinutes * 60;
    checkNumber(args.responseTargetSeconds, 'responseTargetSeconds', intervalSeconds, 30 * 86400);
    const adjustment = args.adjustment ? checkAdjustment(args.adjustment) : null;

    const history: Period = { from: new Date(args.from.getTime() - historyDays * 86_400_000), to: args.from, timezone: args.timezone };
    // Chosen outside the cache, and part of its key (with the note naming the other candidates): setting a calendar
    // again gives it a new id, so a plan never follows opening hours that have since changed (the data version only
    // follows imports).
    const choice = await staffingCalendar(ctx, args.channel, filter, history);
    // The baseline is the same (and cached under the same key) with or without a scenario.
    const key = ['staffing', { ...args, adjustment: undefined, from: args.from.toISOString() }, filter, choice];
    // Totals and scenario are derived after the cache, so entries cached before they existed still serve.
    const cachedPlan = await cached(ctx, key, async (): Promise<Omit<StaffingPlan, 'totals' | 'scenario'>> => {
      const [buckets, aht, abandonment] = await Promise.all([
        loadVolumeHistory(ctx, history, 'hour', filter),
        ctx.loaders.modelInputs.values.load({ metric: metricByName('averageHandleTime'), period: history, filter, hours: 'calendar' }),
        ctx.loaders.modelInputs.values.load({ metric: metricByName('abandonmentRate'), period: history, filter, hours: 'calendar' }),
      ]);
      const ahtSeconds = args.ahtSeconds ?? aht.value;
      if (ahtSeconds === null || !(ahtSeconds > 0)) {
        throw new ApiError(
          ErrorCode.BAD_USER_INPUT,
          `ahtSeconds: no handle time was recorded for ${args.channel} in the history; pass ahtSeconds`,
          'ahtSeconds',
        );
      }
      let model: StaffingModel = LIVE_CHANNELS.includes(args.channel) ? (args.channel === 'chat' ? 'chat' : 'erlang-c') : 'workload';
      let patienceSeconds: number | null = null;
      if (model === 'erlang-c' && (abandonment.value ?? 0) > 0) {
        patienceSeconds = args.patienceSeconds ?? (await measuredPatience(ctx, history, filter));
        if (patienceSeconds && patienceSeconds > 0) model = 'erlang-a';
      }

      // The hours of the plan's local days (23 or 25 across a DST change).
      const hours = await nextBuckets(ctx.sql, buckets[buckets.length - 1].localStart, 'hour', args.timezone, days * 24 + 2);
      const end = await planEnd(ctx, args.from, days, args.timezone);
      const planHours = hours.filter((h) => h.start.getTime() < end.getTime());
      // ticketVolumeForecast's answer for this history, hourly, over the plan's hours (with the same holidays and stored
      // events): one forecast, not a second model.
      const volume = await volumeForecast(ctx, {
        history,
        granularity: 'hour',
        horizon: planHours.length,
        levels: [80, 95],
        filter,
        events: [],
        holidays: true,
      });
      // Each hour's forecast spread evenly over its intervals.
      const perHour = 60 / args.intervalMinutes;
      const slots = planHours.flatMap((h, i) =>
        Array.from({ length: perHour }, (_, j) => ({
          start: new Date(h.start.getTime() + j * intervalSeconds * 1000),
          localStart: `${h.localStart.slice(0, 14)}${String(j * args.intervalMinutes).padStart(2, '0')}:00`,
          arrivals: volume.forecast[i].value / perHour,
        })),
      );
      const [open, counted] = await Promise.all([
        openIntervals(
          ctx,
          choice.calendar,
          slots.map((s) => s.start),
          intervalSeconds,
        ),
        closedRunBeforePlan(ctx, choice.calendar, buckets),
      ]);
      // A count of a few tickets could single them out for a partner under a minimum group size.
      const withheld = counted > 0 && counted < ctx.loaders.minGroupSize;
      const openingBacklog = withheld ? 0 : counted;
      const planned = planIntervals(
        slots.map((s, k) => ({ ...s, open: open[k] })),
        openingBacklog,
        model,
        staffingParameters(args, ahtSeconds, patienceSeconds),
      );
      const notes = [
        args.ahtSeconds == null ? `Handle time ${Math.round(ahtSeconds)} s is the measured average over the history.` : null,
        calendarNote(choice.calendar, planned, openingBacklog, model),
        withheld ? 'The contacts waiting from before the plan are fewer than the minimum group size and are left out.' : null,
        choice.note,
        volume.note,
      ].filter(Boolean);
      return {
        channel: args.channel,
        model,
        ahtSeconds,
        ahtSource: args.ahtSeconds == null ? 'measured' : 'argument',
        patienceSeconds,
        measuredAbandonmentRate: abandonment.value,
        calendar: choice.calendar?.name ?? null,
        calendarTimezone: choice.calendar?.timezone ?? null,
        openingBacklog,
        forecastModel: volume.modelDescription,
        forecastAccuracy: volume.accuracy,
        intervals: planned,
        days: dailyTotals(planned, intervalSeconds, args.hoursPerFte),
        note: notes.length ? notes.join(' ') : null,
      };
    });
    const baseline = { ...cachedPlan, totals: planTotals(cachedPlan.intervals, cachedPlan.openingBacklog, intervalSeconds, args.hoursPerFte, days) };
    if (!adjustment) return { ...baseline, scenario: null };
    // Arithmetic on the baseline's forecast arrivals (by the local day they arrive on), carried and planned with the
    // baseline's opening hours, handle time, model and targets.
    const adjusted = adjustSeries(
      baseline.intervals.map((i) => ({ localStart: i.localStart, value: i.arrivals })),
      args.intervalMinutes,
      adjustment,
    );
    const scenario = planIntervals(
      baseline.intervals.map((i, k) => ({ start: new Date(i.start), localStart: i.localStart, arrivals: adjusted[k].value, open: i.open })),
      // Counted, not forecast: the scenario does not scale it.
      baseline.openingBacklog,
      baseline.model,
      staffingParameters(args, baseline.ahtSeconds, baseline.patienceSeconds),
    );
    return {
      ...baseline,
      scenario: {
        intervals: scenario,
        days: dailyTotals(scenario, intervalSeconds, args.hoursPerFte),
        totals: planTotals(scenario, baseline.openingBacklog, intervalSeconds, args.hoursPerFte, days),
      },
    };
  }
}

/** The queueing or workload parameters of a plan. */
function staffingParameters(args: StaffingPlanArgs, ahtSeconds: number, patienceSeconds: number | null): StaffingParameters {
  return {
    intervalSeconds: args.intervalMinutes * 60,
    ahtSeconds,
    targetServiceLevel: args.targetServiceLevel,
    targetAnswerSeconds: args.targetAnswerSeconds,
    maxOccupancy: args.maxOccupancy,
    shrinkage: args.shrinkage,
    patienceSeconds: patienceSeconds ?? undefined,
    concurrency: args.concurrency,
    responseTargetSeconds: args.responseTargetSeconds,
  };
}

/** The requirement of each interval: closed intervals' arrivals carried into the next open one, only open ones staffed. */
function planIntervals(
  intervals: { start: Date; localStart: string; arrivals: number; open: boolean }[],
  openingBacklog: number,
  model: StaffingModel,
  p: StaffingParameters,
): StaffingInterval[] {
  const open = intervals.map((i) => i.open);
  const carried = carryClosedContacts(
    intervals.map((i) => i.arrivals),
    open,
    openingBacklog,
  );
  const requirements = planOpenStaffing(carried.contacts, open, model, p);
  return intervals.map((i, k) => ({ ...i, ...requirements[k], carriedContacts: carried.carried[k], contacts: carried.contacts[k] }));
}

/** What the plan's opening hours mean for it, in a sentence or two. */
function calendarNote(
  calendar: { name: string; timezone: string } | null,
  intervals: StaffingInterval[],
  openingBacklog: number,
  model: StaffingModel,
): string {
  if (!calendar) return 'No business calendar applies to this channel: the plan is open around the clock.';
  const closed = intervals.filter((i) => !i.open).length;
  // Without an open interval, nothing is worked: what waited before the plan waits beyond it.
  const anyOpen = closed < intervals.length;
  const carried = intervals.reduce((s, i) => s + i.carriedContacts, 0) - (anyOpen ? openingBacklog : 0);
  let beyond = anyOpen ? 0 : openingBacklog;
  for (let k = intervals.length - 1; k >= 0 && !intervals[k].open; k--) beyond += intervals[k].arrivals;
  const round = (x: number) => Math.round(x * 10) / 10;
  return (
    `The plan follows business calendar '${calendar.name}' (${calendar.timezone}): ${closed} of ${intervals.length} intervals are closed and not staffed; ` +
    `${round(carried)} contacts forecast while closed are carried into the first open interval after them` +
    (openingBacklog > 0 && anyOpen ? `, as are the ${round(openingBacklog)} that arrived in the closed hours before the plan` : '') +
    (beyond > 0 ? `, and ${round(beyond)} arriving after the last opening are left for the first opening after the plan` : '') +
    '.' +
    (model === 'workload'
      ? ' The response target counts open time only.'
      : carried + openingBacklog > 0
        ? ' Each carried backlog is planned as extra contacts of its interval (an approximation of a burst at opening).'
        : '')
  );
}

/** Agent-hours, FTE and peaks per local day. */
function dailyTotals(intervals: StaffingInterval[], intervalSeconds: number, hoursPerFte: number): StaffingDay[] {
  const byDay = new Map<string, StaffingDay>();
  for (const i of intervals) {
    const date = i.localStart.slice(0, 10);
    const day = byDay.get(date) ?? {
      date,
      arrivals: 0,
      carriedContacts: 0,
      contacts: 0,
      agentHours: 0,
      productiveAgentHours: 0,
      fte: 0,
      peakScheduledAgents: 0,
    };
    day.arrivals += i.arrivals;
    day.carriedContacts += i.carriedContacts;
    day.contacts += i.contacts;
    day.agentHours += (i.scheduledAgents * intervalSeconds) / 3600;
    day.productiveAgentHours += (i.agents * intervalSeconds) / 3600;
    day.peakScheduledAgents = Math.max(day.peakScheduledAgents, i.scheduledAgents);
    byDay.set(date, day);
  }
  for (const day of byDay.values()) day.fte = day.agentHours / hoursPerFte;
  return [...byDay.values()];
}

/** The whole plan's totals; the service level is weighted by contacts, so quiet intervals count little. */
function planTotals(
  intervals: StaffingInterval[],
  openingBacklog: number,
  intervalSeconds: number,
  hoursPerFte: number,
  days: number,
): StaffingTotals {
  let contacts = 0;
  let arrivals = 0;
  let carriedContacts = 0;
  // Waiting from before the plan until its first open interval.
  let carriedBeyondPlan = openingBacklog;
  let agentHours = 0;
  let peakScheduledAgents = 0;
  let answered = 0;
  let queued = 0;
  for (const i of intervals) {
    contacts += i.contacts;
    arrivals += i.arrivals;
    carriedContacts += i.carriedContacts;
    // What closed intervals received and no later open one worked.
    carriedBeyondPlan = i.open ? 0 : carriedBeyondPlan + i.arrivals;
    agentHours += (i.scheduledAgents * intervalSeconds) / 3600;
    peakScheduledAgents = Math.max(peakScheduledAgents, i.scheduledAgents);
    if (i.serviceLevel !== null) {
      answered += i.serviceLevel * i.contacts;
      queued += i.contacts;
    }
  }
  return {
    arrivals,
    carriedContacts,
    carriedBeyondPlan,
    contacts,
    agentHours,
    fte: agentHours / hoursPerFte / days,
    peakScheduledAgents,
    serviceLevel: queued > 0 ? answered / queued : null,
  };
}

/** The instant `days` local days after `from` in the zone. */
async function planEnd(ctx: ApiContext, from: Date, days: number, timezone: string): Promise<Date> {
  const [row] = await ctx.sql.query<{ end: string | Date }>(
    `SELECT ((($1::timestamptz AT TIME ZONE $2) + $3 * interval '1 day') AT TIME ZONE $2) AS end`,
    [from.toISOString(), timezone, days],
  );
  return new Date(row.end);
}
