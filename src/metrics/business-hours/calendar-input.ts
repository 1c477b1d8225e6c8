import { ApiError, ErrorCode } from '../../api/errors';
import { isValidTimeZone } from '../../time/time-zones';
import { isCalendarDate } from '../../time/calendar-date';

/** ISO weekdays by name (1 = Monday). */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface OpeningInput {
  day: Weekday;
  opens: string;
  closes: string;
}

export interface CalendarInput {
  name: string;
  timezone: string;
  hours: OpeningInput[];
  holidays?: string[] | null;
  channels?: string[] | null;
  priorities?: string[] | null;
}

/** A calendar checked and normalised: intervals as minutes since local midnight, per ISO weekday. */
export interface ValidCalendar {
  name: string;
  timezone: string;
  intervals: { isoDow: number; opens: string; closes: string }[];
  holidays: string[];
  channels: string[] | null;
  priorities: string[] | null;
}

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;

function minutes(t: string): number {
  const [h, m] = t.split(':').map(Number);
  return h * 60 + m;
}

/** Validates a calendar definition; throws ApiError naming the offending input field. */
export function validateCalendar(input: CalendarInput): ValidCalendar {
  const bad = (field: string, message: string) => new ApiError(ErrorCode.BAD_USER_INPUT, `input.${field}: ${message}`, `input.${field}`);
  const name = input.name.trim();
  if (!name || name.length > 100) throw bad('name', 'must be 1 to 100 characters');
  if (!isValidTimeZone(input.timezone)) throw bad('timezone', `unknown IANA time zone ${JSON.stringify(input.timezone)}`);
  if (!input.hours.length) throw bad('hours', 'give at least one opening interval');
  const intervals = input.hours.map((h, i) => {
    if (!TIME.test(h.opens)) throw bad(`hours[${i}].opens`, `expected HH:MM, got ${JSON.stringify(h.opens)}`);
    if (!TIME.test(h.closes)) throw bad(`hours[${i}].closes`, `expected HH:MM (24:00 for midnight), got ${JSON.stringify(h.closes)}`);
    if (minutes(h.opens) >= minutes(h.closes)) throw bad(`hours[${i}]`, `opens (${h.opens}) must be before closes (${h.closes})`);
    return { isoDow: WEEKDAYS.indexOf(h.day) + 1, opens: h.opens, closes: h.closes, index: i };
  });
  // Overlapping intervals would count the same seconds twice.
  for (const a of intervals) {
    for (const b of intervals) {
      if (a.index < b.index && a.isoDow === b.isoDow && minutes(a.opens) < minutes(b.closes) && minutes(b.opens) < minutes(a.closes)) {
        throw bad(`hours[${b.index}]`, `overlaps hours[${a.index}] on ${WEEKDAYS[a.isoDow - 1]}`);
      }
    }
  }
  const holidays = [...new Set(input.holidays ?? [])];
  holidays.forEach((d, i) => {
    if (!isCalendarDate(d)) throw bad(`holidays[${i}]`, `expected a date YYYY-MM-DD, got ${JSON.stringify(d)}`);
  });
  const list = (values: string[] | null | undefined, field: string) => {
    if (values === null || values === undefined) return null;
    if (!values.length) throw bad(field, 'give at least one value, or leave it out to apply to all');
    return [...new Set(values)].sort();
  };
  return {
    name,
    timezone: input.timezone,
    intervals: intervals.map(({ isoDow, opens, closes }) => ({ isoDow, opens, closes })),
    holidays: holidays.sort(),
    channels: list(input.channels, 'channels'),
    priorities: list(input.priorities, 'priorities'),
  };
}
