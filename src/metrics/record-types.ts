import { DateTimeResolver } from 'graphql-scalars';
import { Field, FieldResolver, Float, Int, ObjectType, Resolver, Root, registerEnumType } from 'type-graphql';
import { RECORD_TYPES, type RecordType } from './fact-sources';
import { UnitEnum } from './graphql-enums';
import type { Unit } from './metric-definition';
import type { RecordPage } from './record-loader';

/** GraphQL types of a metric's drill-down: a cursor-paginated connection over the records behind its value. */

export const RecordTypeEnum = Object.fromEntries(RECORD_TYPES.map((t) => [t.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase(), t])) as Record<
  string,
  RecordType
>;
registerEnumType(RecordTypeEnum, {
  name: 'RecordType',
  description: 'What a record behind a metric value is: a ticket, an agent message, a survey response, an order, a customer or an agent day.',
});

const PLAIN_DATA = { simpleResolvers: true } as const;

@ObjectType({
  description: 'One record a metric value is computed from. Identifiers are source ids (as imported); fields a record type lacks are null.',
  ...PLAIN_DATA,
})
export class MetricRecord {
  @Field(() => RecordTypeEnum) recordType: RecordType;
  @Field(() => String, { description: "The record's source id (an agent day: agent source id / date)." }) sourceId: string;
  @Field(() => String, { nullable: true, description: "The ticket's source id (the ticket itself, a message's or a survey's ticket)." }) ticketId:
    string | null;
  @Field(() => String, { nullable: true, description: "The customer's source id." }) customerId: string | null;
  @Field(() => String, { nullable: true }) channel: string | null;
  @Field(() => String, { nullable: true }) product: string | null;
  @Field(() => String, { nullable: true, description: "The customer's tier." }) tier: string | null;
  @Field(() => String, { nullable: true, description: "The ticket's priority." }) priority: string | null;
  @Field(() => String, { nullable: true, description: 'The agent (source id): the assignee of a ticket, the author of a message.' }) agent:
    string | null;
  @Field(() => String, { nullable: true, description: "The agent's team." }) team: string | null;
  @Field(() => DateTimeResolver, { nullable: true, description: "The ticket's creation, an order's time, a customer's sign-up." })
  createdAt: Date | null;
  @Field(() => DateTimeResolver, { description: 'The time the record is attributed to the period by (records are ordered by it).' }) eventAt: Date;
  @Field(() => DateTimeResolver, { nullable: true, description: "The ticket's resolution." }) resolvedAt: Date | null;
  @Field(() => DateTimeResolver, { nullable: true, description: "A customer's churn." }) churnedAt: Date | null;
  @Field(() => Float, {
    nullable: true,
    description:
      "What the record counted for, in the connection's quantityUnit: a duration, a score, an amount; 100 or 0 for whether it met a rate's condition; null for plain counts.",
  })
  quantity: number | null;
}

@ObjectType({ description: 'Where a page of records ends.', ...PLAIN_DATA })
export class PageInfo {
  @Field(() => Boolean) hasNextPage: boolean;
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on an empty first page.' }) endCursor: string | null;
}

/** The records of one metric value, one page of them. */
@ObjectType({ description: 'The records a metric value is computed from, a page at a time, in the order of their eventAt (ties by record).' })
export class MetricRecordConnection {
  constructor(readonly records: RecordPage) {}
}

@Resolver(() => MetricRecordConnection)
export class MetricRecordConnectionResolver {
  @FieldResolver(() => Int, { description: "All the records, every page: the value's sampleSize." })
  async totalCount(@Root() root: MetricRecordConnection): Promise<number> {
    return root.records.totalCount();
  }

  @FieldResolver(() => PageInfo)
  async pageInfo(@Root() root: MetricRecordConnection): Promise<PageInfo> {
    const { hasNextPage, endCursor } = await root.records.page();
    return { hasNextPage, endCursor };
  }

  @FieldResolver(() => [MetricRecord])
  async nodes(@Root() root: MetricRecordConnection): Promise<MetricRecord[]> {
    return (await root.records.page()).nodes as MetricRecord[];
  }

  @FieldResolver(() => UnitEnum, { nullable: true, description: "The unit of the records' quantity; null when they have none." })
  quantityUnit(@Root() root: MetricRecordConnection): Unit | null {
    return root.records.quantityUnit;
  }
}
