/** A half-open time range [from, to) with the IANA time zone its buckets are computed in. */
export interface Period {
  from: Date;
  to: Date;
  timezone: string;
}

export const GRANULARITIES = ['hour', 'day', 'week', 'month', 'quarter', 'year'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** PostgreSQL date_trunc field and step interval of each granularity (weeks start on Monday, as date_trunc's ISO weeks do). */
export const GRANULARITY_SQL: Record<Granularity, { trunc: string; step: string; approxSeconds: number }> = {
  hour: { trunc: 'hour', step: '1 hour', approxSeconds: 3600 },
  day: { trunc: 'day', step: '1 day', approxSeconds: 86400 },
  week: { trunc: 'week', step: '7 days', approxSeconds: 7 * 86400 },
  month: { trunc: 'month', step: '1 month', approxSeconds: 28 * 86400 },
  quarter: { trunc: 'quarter', step: '3 months', approxSeconds: 90 * 86400 },
  year: { trunc: 'year', step: '1 year', approxSeconds: 365 * 86400 },
};

/** Upper bound on the number of buckets a series over the period has (a month counted as 28 days), for limit checks before any SQL runs. */
export function maxBucketCount(period: Period, granularity: Granularity): number {
  const seconds = (period.to.getTime() - period.from.getTime()) / 1000;
  return Math.ceil(seconds / GRANULARITY_SQL[granularity].approxSeconds) + 1;
}
