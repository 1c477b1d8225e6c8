import DataLoader from 'dataloader';
import type { SqlExecutor } from '../../db/sql-executor';

/** How many business calendars exist, read at most once per request (BUSINESS hours need one). */
export function createCalendarCountLoader(sql: SqlExecutor) {
  return new DataLoader<'all', number>(async (keys) => {
    const [row] = await sql.query<{ n: string }>(`SELECT count(*) AS n FROM business_calendars`, []);
    return keys.map(() => Number(row.n));
  });
}
