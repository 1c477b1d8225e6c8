import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Float, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { ApiContext } from '../api/context';
import type { Dimension } from './dimensions';
import { normaliseFilter, type SegmentFilter } from './dimensions';
import { ChannelEnum, GranularityEnum, PriorityEnum, UnitEnum } from './graphql-enums';
import { MetricBucket, PeriodInput } from './graphql-types';
import type { MetricDefinition, Unit } from './metric-definition';
import type { MetricRequest } from './metric-loaders';
import { validateBucketCount, validatePeriod, validateTimeZone } from './metric-validation';
import type { Granularity } from './period';
import { METRICS } from './registry';

/** GraphQL type and description of each dimension's filter argument: enums for closed sets, strings for business-defined values. */
const DIMENSION_ARGS: Record<Dimension, { type: () => unknown; description: string }> = {
  channel: { type: () => [ChannelEnum], description: 'Only these channels.' },
  product: { type: () => [String], description: 'Only these products.' },
  tier: { type: () => [String], description: "Only customers of these tiers." },
  priority: { type: () => [PriorityEnum], description: 'Only these priorities.' },
  team: { type: () => [String], description: 'Only these teams.' },
  agent: { type: () => [String], description: 'Only these agents (source ids).' },
};

/** The root object a metric field returns: the request its sub-fields load through the per-request DataLoaders. */
export class MetricHandle {
  constructor(readonly request: MetricRequest) {}
}

type MetricArgs = { period: PeriodInput } & Partial<Record<Dimension, string[]>>;

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The argument type of metrics accepting exactly these dimensions (only applicable dimensions exist, so others are schema errors). */
function createArgsType(name: string, dimensions: readonly Dimension[]) {
  @ArgsType()
  class Args {
    @Field(() => PeriodInput)
    period: PeriodInput;
  }
  Object.defineProperty(Args, 'name', { value: `${name}Args` });
  for (const d of dimensions) {
    Field(DIMENSION_ARGS[d].type as () => [string], { nullable: true, description: DIMENSION_ARGS[d].description })(Args.prototype, d);
  }
  return Args;
}

/** The result type shared by metrics of one fact source (same dimensions), with the resolvers of its loaded fields. */
function createResultType(typeName: string) {
  @ObjectType(typeName, { description: 'A metric over a period: value, sample size and series.' })
  class Result extends MetricHandle {}

  @Resolver(() => Result)
  class ResultResolver {
    @FieldResolver(() => UnitEnum, { description: 'Unit of the value.' })
    unit(@Root() root: MetricHandle): Unit {
      return root.request.metric.unit;
    }

    @FieldResolver(() => Float, { nullable: true, description: 'The value; null when no record qualifies (0 for counts and sums).' })
    async value(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<number | null> {
      return (await ctx.loaders.values.load(root.request)).value;
    }

    @FieldResolver(() => Int, { description: 'Records the value was computed from (the denominator\'s count).' })
    async sampleSize(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<number> {
      return (await ctx.loaders.values.load(root.request)).sampleSize;
    }

    @FieldResolver(() => [MetricBucket], { description: "The value per bucket over the period, every bucket present, in the series' time zone." })
    async series(
      @Root() root: MetricHandle,
      @Ctx() ctx: ApiContext,
      @Arg('granularity', () => GranularityEnum) granularity: Granularity,
      @Arg('timezone', () => String, { nullable: true, description: "IANA time zone of the buckets (default: the period's)." })
      timezone?: string | null,
    ): Promise<MetricBucket[]> {
      const zone = timezone ?? root.request.period.timezone;
      validateTimeZone(zone, 'timezone');
      validateBucketCount(root.request.period, granularity, ctx.config);
      return ctx.loaders.series.load({ ...root.request, granularity, timezone: zone });
    }
  }
  return { Result, ResultResolver };
}

/** The Query field of one metric, taking its period and the filters of its dimensions. */
function createMetricQuery(metric: MetricDefinition, ResultType: ReturnType<typeof createResultType>['Result'], ArgsType: ReturnType<typeof createArgsType>) {
  @Resolver()
  class MetricQuery {
    @Query(() => ResultType, { name: metric.name, description: `${metric.description} ${pascal(metric.formula)}.` })
    resolve(@Args(() => ArgsType) args: MetricArgs, @Ctx() ctx: ApiContext): MetricHandle {
      const period = validatePeriod({ from: args.period.from, to: args.period.to, timezone: args.period.timezone ?? 'UTC' }, ctx.config);
      const filter: SegmentFilter = {};
      for (const d of metric.dimensions) if (args[d]) filter[d] = args[d];
      return new ResultType({ metric, period, filter: normaliseFilter(filter) });
    }
  }
  return MetricQuery;
}

/** Every resolver class of the metric part of the schema, generated from the registry. */
export function metricResolvers(): Function[] {
  const families = new Map<string, { result: ReturnType<typeof createResultType>; args: ReturnType<typeof createArgsType> }>();
  const resolvers: Function[] = [];
  for (const metric of METRICS) {
    const familyName = `${pascal(metric.source.name.replace(/s$/, ''))}Metric`;
    let family = families.get(familyName);
    if (!family) {
      family = { result: createResultType(familyName), args: createArgsType(familyName, metric.dimensions) };
      families.set(familyName, family);
      resolvers.push(family.result.ResultResolver);
    }
    resolvers.push(createMetricQuery(metric, family.result.Result, family.args));
  }
  return resolvers;
}
