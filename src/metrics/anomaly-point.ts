import { DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A flagged point of a daily series.' })
export class AnomalyPoint {
  @Field(() => DateTimeResolver) start: Date;
  @Field(() => String) localStart: string;
  @Field(() => Float) value: number;
  @Field(() => Float, { description: 'Trend + weekly seasonal expectation.' }) expected: number;
  @Field(() => Float, { description: 'value − expected.' }) deviation: number;
  @Field(() => Float, { description: 'Robust z-score (deviation in units of 1.4826 × MAD of the remainder).' }) score: number;
}
