/** Reusable aggregate SQL for metric definitions; `inPeriod` is the row-attribution condition the builder supplies. */

/** count of attributed rows. */
export const countIn = (inPeriod: string, condition = 'TRUE') => `count(*) FILTER (WHERE ${inPeriod} AND (${condition}))`;

/** Percentage (0–100) of attributed rows (optionally within a population) meeting a condition; null when none. */
export const percentIn = (inPeriod: string, condition: string, population = 'TRUE') =>
  `100.0 * ${countIn(inPeriod, `(${population}) AND (${condition})`)} / nullif(${countIn(inPeriod, population)}, 0)`;

/** Mean of an expression over attributed rows where it is not null. */
export const meanIn = (inPeriod: string, expr: string) => `avg(${expr}) FILTER (WHERE ${inPeriod})`;

/** Count of attributed rows where the expression is not null. */
export const countOf = (inPeriod: string, expr: string) => `count(${expr}) FILTER (WHERE ${inPeriod})`;

/** Seconds between two timestamps. */
export const secondsBetween = (start: string, end: string) => `extract(epoch FROM ${end} - ${start})`;

/** A row's quantity for a rate: 100 when it meets the condition, else 0 (so the rate is the mean of its rows' quantities). */
export const percentFlag = (condition: string) => `CASE WHEN (${condition}) THEN 100.0 ELSE 0 END`;
