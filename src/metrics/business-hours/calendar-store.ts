import type { ValidCalendar } from './calendar-input';

/** Anything that runs a parameterised statement: a request transaction, or a TypeORM EntityManager. */
export interface StatementRunner {
  query<T = unknown>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** Creates a business calendar, or replaces the one of that name; run it inside a transaction. */
export async function storeCalendar(tx: StatementRunner, c: ValidCalendar): Promise<void> {
  await tx.query(`DELETE FROM business_calendars WHERE name = $1`, [c.name]);
  const [k] = await tx.query<{ id: string }>(
    `INSERT INTO business_calendars (name, timezone, channels, priorities) VALUES ($1, $2, $3::text[], $4::text[]) RETURNING id`,
    [c.name, c.timezone, c.channels, c.priorities],
  );
  await tx.query(
    `INSERT INTO business_hours (calendar_id, iso_dow, opens, closes)
     SELECT $1, x.dow, x.opens::time, x.closes::time FROM unnest($2::int[], $3::text[], $4::text[]) AS x(dow, opens, closes)`,
    [k.id, c.intervals.map((i) => i.isoDow), c.intervals.map((i) => i.opens), c.intervals.map((i) => i.closes)],
  );
  await tx.query(`INSERT INTO business_holidays (calendar_id, date) SELECT $1, d::date FROM unnest($2::text[]) AS d`, [k.id, c.holidays]);
}
