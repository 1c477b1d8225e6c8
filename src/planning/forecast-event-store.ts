/** Writing stored forecast events (setForecastEvent, the demo's launch); no GraphQL here, so the demo loader can use it. */
import type { StatementRunner } from '../metrics/business-hours/calendar-store';
import type { SegmentFilter } from '../metrics/dimensions';

/** Stores a checked event for forecasts of `filter` ({} = all), replacing the one of that name; returns when. */
export async function storeForecastEvent(
  q: StatementRunner,
  e: { name: string; dates: string[]; multiplier?: number },
  filter: SegmentFilter,
): Promise<Date> {
  const [row] = await q.query<{ updated_at: Date }>(
    `INSERT INTO forecast_events (name, dates, multiplier, filter) VALUES ($1, $2::date[], $3, $4::jsonb)
     ON CONFLICT (name) DO UPDATE SET dates = EXCLUDED.dates, multiplier = EXCLUDED.multiplier, filter = EXCLUDED.filter, updated_at = now()
     RETURNING updated_at`,
    [e.name, e.dates, e.multiplier ?? null, JSON.stringify(filter)],
  );
  return new Date(row.updated_at);
}
