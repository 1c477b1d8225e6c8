/** Reusable aggregate SQL for metric definitions; `inPeriod` is the row-attribution condition the builder supplies. */

/** count of attributed rows. */
export const countIn = (inPeriod: string, condition = 'TRUE') => `count(*) FILTER (WHERE ${inPeriod} AND (${condition}))`;

/** Seconds between two timestamps. */
export const secondsBetween = (start: string, end: string) => `extract(epoch FROM ${end} - ${start})`;

/** A row's quantity for a rate: 100 when it meets the condition, else 0 (so the rate is the mean of its rows' quantities). */
export const percentFlag = (condition: string) => `CASE WHEN (${condition}) THEN 100.0 ELSE 0 END`;
