import { Arg, Authorized, Ctx, Field, InputType, Mutation, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import type { ApiContext } from '../../api/context';
import { ChannelEnum, PriorityEnum } from '../graphql-enums';
import { validateCalendar, WEEKDAYS, type Weekday } from './calendar-input';
import { storeCalendar } from './calendar-store';

const WeekdayEnum = Object.fromEntries(WEEKDAYS.map((d) => [d.toUpperCase(), d]));
registerEnumType(WeekdayEnum, { name: 'Weekday' });

@InputType({ description: 'An opening interval on a weekday, in local time (HH:MM; 24:00 closes at midnight).' })
class OpeningHoursInput {
  @Field(() => WeekdayEnum) day: Weekday;
  @Field(() => String) opens: string;
  @Field(() => String) closes: string;
}

@InputType({
  description:
    'A business calendar. It applies to tickets of its channels and priorities (omit for all); the most specific match wins, and the newest of equally specific ones.',
})
class BusinessCalendarInput {
  @Field(() => String) name: string;
  @Field(() => String, { description: 'IANA time zone the opening hours are in.' }) timezone: string;
  @Field(() => [OpeningHoursInput]) hours: OpeningHoursInput[];
  @Field(() => [String], { nullable: true, description: 'Closed dates, YYYY-MM-DD.' }) holidays?: string[] | null;
  @Field(() => [ChannelEnum], { nullable: true }) channels?: string[] | null;
  @Field(() => [PriorityEnum], { nullable: true }) priorities?: string[] | null;
}

@ObjectType({ description: 'An opening interval.' })
class OpeningHours {
  @Field(() => WeekdayEnum) day: Weekday;
  @Field(() => String) opens: string;
  @Field(() => String) closes: string;
}

@ObjectType({ description: 'A business calendar used by `hours: BUSINESS`.' })
class BusinessCalendarInfo {
  @Field(() => String) name: string;
  @Field(() => String) timezone: string;
  @Field(() => [OpeningHours]) hours: OpeningHours[];
  @Field(() => [String]) holidays: string[];
  @Field(() => [String], { nullable: true, description: 'Channels it applies to (null = all).' }) channels: string[] | null;
  @Field(() => [String], { nullable: true, description: 'Priorities it applies to (null = all).' }) priorities: string[] | null;
}

/** Creating, replacing, listing and removing business calendars. */
@Resolver()
export class CalendarResolver {
  @Authorized('admin')
  @Mutation(() => BusinessCalendarInfo, { description: 'Creates a business calendar, or replaces the one of that name.' })
  async setBusinessCalendar(
    @Arg('input', () => BusinessCalendarInput) input: BusinessCalendarInput,
    @Ctx() ctx: ApiContext,
  ): Promise<BusinessCalendarInfo> {
    const c = validateCalendar(input);
    await ctx.sql.transaction((tx) => storeCalendar(tx, c));
    return (await this.businessCalendars(ctx)).find((k) => k.name === c.name)!;
  }

  @Authorized('admin')
  @Mutation(() => Boolean, { description: 'Removes a business calendar; false when there was none of that name.' })
  async removeBusinessCalendar(@Arg('name', () => String) name: string, @Ctx() ctx: ApiContext): Promise<boolean> {
    // A bare DELETE answers with TypeORM's [rows, count] pair; counting in SQL keeps the answer unambiguous.
    const [row] = await ctx.sql.query<{ n: number }>(
      `WITH d AS (DELETE FROM business_calendars WHERE name = $1 RETURNING id) SELECT count(*)::int AS n FROM d`,
      [name],
    );
    return row.n > 0;
  }

  // Company configuration rather than a partner's segment: admins and analysts only.
  @Authorized('admin', 'analyst')
  @Query(() => [BusinessCalendarInfo], { description: 'Every business calendar.' })
  async businessCalendars(@Ctx() ctx: ApiContext): Promise<BusinessCalendarInfo[]> {
    const rows = await ctx.sql.query<{
      name: string;
      timezone: string;
      channels: string[] | null;
      priorities: string[] | null;
      hours: { dow: number; opens: string; closes: string }[] | null;
      holidays: string[] | null;
    }>(
      `SELECT k.name, k.timezone, k.channels, k.priorities,
              (SELECT json_agg(json_build_object('dow', h.iso_dow, 'opens', to_char(h.opens, 'HH24:MI'), 'closes', CASE WHEN h.closes = '24:00' THEN '24:00' ELSE to_char(h.closes, 'HH24:MI') END) ORDER BY h.iso_dow, h.opens)
                 FROM business_hours h WHERE h.calendar_id = k.id) AS hours,
              (SELECT json_agg(to_char(x.date, 'YYYY-MM-DD') ORDER BY x.date) FROM business_holidays x WHERE x.calendar_id = k.id) AS holidays
       FROM business_calendars k ORDER BY k.name`,
      [],
    );
    return rows.map((r) => ({
      name: r.name,
      timezone: r.timezone,
      channels: r.channels,
      priorities: r.priorities,
      hours: (r.hours ?? []).map((h) => ({ day: WEEKDAYS[h.dow - 1], opens: h.opens, closes: h.closes })),
      holidays: r.holidays ?? [],
    }));
  }
}
