import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

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
@ObjectType({ description: 'One bucket of a series; empty buckets are present with sample size 0.' })
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
}
