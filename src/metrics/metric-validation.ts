import { ApiError, ErrorCode } from '../api/errors';
import type { Config } from '../config/config';
import { maxBucketCount, type Granularity, type Period } from './period';
import { isValidTimeZone } from '../time/time-zones';

/** Checks a period argument against the contract and the configured limits; throws ApiError naming the argument. */
export function validatePeriod(period: Period, config: Pick<Config, 'MAX_PERIOD_DAYS'>, argument = 'period'): Period {
  if (!(period.to.getTime() > period.from.getTime())) {
    throw new ApiError(ErrorCode.INVALID_PERIOD, `${argument}.to must be after ${argument}.from`, `${argument}.to`);
  }
  const days = (period.to.getTime() - period.from.getTime()) / 86_400_000;
  if (days > config.MAX_PERIOD_DAYS) {
    throw new ApiError(
      ErrorCode.PERIOD_TOO_LONG,
      `${argument} spans ${Math.ceil(days)} days; the maximum is ${config.MAX_PERIOD_DAYS} (MAX_PERIOD_DAYS)`,
      argument,
    );
  }
  validateTimeZone(period.timezone, `${argument}.timezone`);
  return period;
}

/** Throws UNKNOWN_TIMEZONE naming the argument unless the zone is a known IANA name. */
export function validateTimeZone(timezone: string, argument: string): void {
  if (!isValidTimeZone(timezone)) {
    throw new ApiError(ErrorCode.UNKNOWN_TIMEZONE, `${argument}: unknown IANA time zone ${JSON.stringify(timezone)}`, argument);
  }
}

/** Throws TOO_MANY_BUCKETS when a series over the period would exceed the configured maximum. */
export function validateBucketCount(period: Period, granularity: Granularity, config: Pick<Config, 'MAX_SERIES_BUCKETS'>): void {
  const buckets = maxBucketCount(period, granularity);
  if (buckets > config.MAX_SERIES_BUCKETS) {
    throw new ApiError(
      ErrorCode.TOO_MANY_BUCKETS,
      `granularity: a ${granularity} series over this period has up to ${buckets} buckets; the maximum is ${config.MAX_SERIES_BUCKETS} (MAX_SERIES_BUCKETS)`,
      'granularity',
    );
  }
}
