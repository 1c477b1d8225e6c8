import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

/**
 * The output types below are plain data objects: their fields are read by graphql-js's default resolver rather than
 * through a type-graphql wrapper per field (a dashboard resolves thousands of bucket fields; they have no middlewares).
 */
const PLAIN_DATA = { simpleResolvers: true } as const;

/** A half-open period [from, to); buckets are computed in its time zone unless a series names another. */
@InputType({ description: 'A half-open period [from, to).' })
export class PeriodInput {
  @Field(() => DateTimeResolver, { description: 'Start (inclusive), ISO-8601 with offset.' })
  from: Date;

  @Field(() => DateTimeResolver, { description: 'End (exclusive), ISO-8601 with offset.' })
  to: Date;

  @Field(() => String, { defaultValue: 'UTC', description: 'IANA time zone for series buckets (default UTC).' })
  timezone: string;
}

/** One bucket of a metric's series. */
/** What a withheld value looks like (metric-loaders.ts' withhold). */
export const WITHHELD_DESCRIPTION =
  'True when the value is withheld from a partner key: computed from fewer records than PARTNER_MIN_GROUP_SIZE (value null, sample size 0).';

@ObjectType({ description: 'One bucket of a series; empty buckets are present with sample size 0.', ...PLAIN_DATA })
export class MetricBucket {
  @Field(() => String, { description: "The bucket's start as a local date-time in the series' time zone (YYYY-MM-DDTHH:MM:SS)." })
  localStart: string;

  @Field(() => DateTimeResolver, { description: "The bucket's start instant." })
  start: Date;

  @Field(() => DateTimeResolver, { description: "The bucket's end instant (exclusive)." })
  end: Date;

  @Field(() => Float, { nullable: true, description: 'The value in this bucket; null when no record qualifies (0 for counts and sums).' })
  value: number | null;

  @Field(() => Int, { description: 'Records the value was computed from.' })
  sampleSize: number;

  @Field(() => Boolean, { description: WITHHELD_DESCRIPTION })
  suppressed: boolean;
}

/** One segment of a breakdown. */
@ObjectType({ description: 'The metric within one segment value; segments without records are left out.', ...PLAIN_DATA })
export class MetricBreakdownRow {
  @Field(() => String, { nullable: true, description: 'The segment value; null for records without one (e.g. no product).' })
  segment: string | null;

  @Field(() => Float, { nullable: true })
  value: number | null;

  @Field(() => Int)
  sampleSize: number;

  @Field(() => Float, { nullable: true, description: 'Median, for duration metrics (null otherwise).' })
  median?: number | null;

  @Field(() => Float, { nullable: true, description: '90th percentile, for duration metrics (null otherwise).' })
  p90?: number | null;
}

/** The same metric over the previous period of equal length. */
@ObjectType({ description: 'The metric over the previous period of equal length, and the change to the current one.', ...PLAIN_DATA })
export class MetricComparison {
  @Field(() => DateTimeResolver)
  previousFrom: Date;

  @Field(() => DateTimeResolver)
  previousTo: Date;

  @Field(() => Float, { nullable: true, description: 'The value over the previous period.' })
  previousValue: number | null;

  @Field(() => Int)
  previousSampleSize: number;

  @Field(() => Float, { nullable: true, description: 'Current − previous; null when either is null.' })
  absoluteChange: number | null;

  @Field(() => Float, { nullable: true, description: '(current − previous) / |previous| × 100; null when previous is 0 or null.' })
  relativeChange: number | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "Whether the change is an improvement given the metric's direction; null when unchanged, unknown or the direction is neutral.",
  })
  improved: boolean | null;
}

/** How one segment value contributed to a change. */
@ObjectType({ description: "One segment's part in a metric's change: mix (its share moved) and rate (its own value moved).", ...PLAIN_DATA })
export class SegmentDriverType {
  @Field(() => String, { nullable: true }) segment: string | null;
  @Field(() => Float, { nullable: true }) previousValue: number | null;
  @Field(() => Float, { nullable: true }) currentValue: number | null;
  @Field(() => Float, { description: "The segment's share of the sample in the compared period (0–1)." }) previousShare: number;
  @Field(() => Float, { description: "The segment's share of the sample in the period (0–1)." }) currentShare: number;
  @Field(() => Float, { description: 'Change due to the share moving, at the mean of its two values.' }) mixEffect: number;
  @Field(() => Float, { description: 'Change due to its value moving, at its mean share.' }) rateEffect: number;
  @Field(() => Float, { description: 'mixEffect + rateEffect.' }) contribution: number;
}

/** The drivers of a metric's change between two periods. */
@ObjectType({
  description: "A metric's change from a compared period, split across a dimension's values (largest contribution first).",
  ...PLAIN_DATA,
})
export class MetricDrivers {
  @Field(() => DateTimeResolver) comparedFrom: Date;
  @Field(() => DateTimeResolver) comparedTo: Date;
  @Field(() => Float, { nullable: true }) previousValue: number | null;
  @Field(() => Float, { nullable: true }) currentValue: number | null;
  @Field(() => Float, { nullable: true }) change: number | null;
  @Field(() => [SegmentDriverType]) segments: SegmentDriverType[];
  @Field(() => Float, {
    nullable: true,
    description: 'Change not attributed to segments (non-zero when the metric is not a sample-weighted mean of its segments, e.g. utilisation).',
  })
  unexplained: number | null;
}
