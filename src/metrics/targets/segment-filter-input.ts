import { Field, InputType } from 'type-graphql';
import { ChannelEnum, PriorityEnum } from '../graphql-enums';

/** A segment filter given as an input object (for targets); each list narrows, and dimensions combine with AND. */
@InputType({ description: 'A segment: allowed values per dimension (lists combine with AND).' })
export class SegmentFilterInput {
  @Field(() => [ChannelEnum], { nullable: true }) channel?: string[];
  @Field(() => [String], { nullable: true }) product?: string[];
  @Field(() => [String], { nullable: true }) tier?: string[];
  @Field(() => [PriorityEnum], { nullable: true }) priority?: string[];
  @Field(() => [String], { nullable: true }) team?: string[];
  @Field(() => [String], { nullable: true }) agent?: string[];
}
