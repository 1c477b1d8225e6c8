/**
 * What a help desk configures beside its records, for the demo: business calendars (opening hours and the holidays on
 * which the demo's volume dips) and the demo's product launch as a known forecast event. The data contract has no file
 * for either, so they come with database loads of the demo only (`npm start`, `deskmetrics demo`), not with `--out`.
 */
import type { DataSource } from 'typeorm';
import { validateCalendar, type CalendarInput } from '../metrics/business-hours/calendar-input';
import { storeCalendar } from '../metrics/business-hours/calendar-store';
import { storeForecastEvent } from '../planning/forecast-event-store';
import { DAY } from './demo-world';
import type { DemoSource } from './demo-source';

const isoDate = (sec: number) => new Date(sec * 1000).toISOString().slice(0, 10);

/** The demo's holidays (its volume is at 45% on them) in every year of the window and the next. */
export function demoHolidays(source: DemoSource): string[] {
  const first = new Date(source.world.startSec * 1000).getUTCFullYear();
  const last = new Date(source.world.endSec * 1000).getUTCFullYear() + 1;
  const dates: string[] = [];
  for (let y = first; y <= last; y++) dates.push(`${y}-01-01`, `${y}-12-24`, `${y}-12-25`, `${y}-12-26`, `${y}-12-31`);
  return dates.sort();
}

/** The calendars: chat and phone staffed long days and Saturdays, the other channels office hours; both in UTC. */
export function demoCalendars(source: DemoSource): CalendarInput[] {
  const holidays = demoHolidays(source);
  const weekdays = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'] as const;
  return [
    {
      name: 'live channels',
      timezone: 'UTC',
      channels: ['chat', 'phone'],
      hours: [...weekdays.map((day) => ({ day, opens: '07:00', closes: '21:00' })), { day: 'saturday', opens: '09:00', closes: '17:00' }],
      holidays,
    },
    { name: 'office hours', timezone: 'UTC', hours: weekdays.map((day) => ({ day, opens: '08:00', closes: '18:00' })), holidays },
  ];
}

/** The launch as a forecast event: its dates, effect left to be estimated, for every forecast. */
export function demoLaunchEvent(source: DemoSource): { name: string; dates: string[] } | null {
  const launch = source.world.launch;
  if (!launch) return null;
  const day = source.world.startSec + launch.day * DAY;
  return { name: 'mobile-app 2.0 launch', dates: [isoDate(day), isoDate(day + DAY)] };
}

/** Stores the demo's calendars and launch event, in one transaction. */
export async function installDemoPlanning(dataSource: DataSource, source: DemoSource): Promise<void> {
  await dataSource.transaction(async (m) => {
    for (const calendar of demoCalendars(source)) await storeCalendar(m, validateCalendar(calendar));
    const launch = demoLaunchEvent(source);
    if (launch) await storeForecastEvent(m, launch, {});
  });
}
