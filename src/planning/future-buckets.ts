import type { SqlExecutor } from '../db/sql-executor';
import { GRANULARITY_SQL, type Granularity } from '../metrics/period';

/** The next `count` bucket starts after a bucket's local start, computed by PostgreSQL in the zone (DST-aware). */
export async function nextBuckets(
  sql: Pick<SqlExecutor, 'query'>,
  lastLocalStart: string,
  granularity: Granularity,
  timezone: string,
  count: number,
): Promise<{ localStart: string; start: Date }[]> {
  const step = GRANULARITY_SQL[granularity].step;
  const rows = await sql.query<{ local: string; start: string | Date }>(
    `SELECT to_char(b, 'YYYY-MM-DD"T"HH24:MI:SS') AS local, b AT TIME ZONE $2 AS start
     FROM generate_series($1::timestamp + $3::interval, $1::timestamp + $3::interval * $4, $3::interval) b
     ORDER BY b`,
    [lastLocalStart, timezone, step, count],
  );
  return rows.map((r) => ({ localStart: r.local, start: new Date(r.start) }));
}
