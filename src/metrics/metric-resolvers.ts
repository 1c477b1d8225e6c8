import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Float, Info, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { PERCENTILE_FIELDS, selectsAny } from './field-selection';
import type { ApiContext } from '../api/context';
import { ApiError, ErrorCode } from '../api/errors';
import { dimensionSetName, normaliseFilter, type Dimension, type DimensionSetName, type SegmentFilter } from './dimensions';
import { ChannelEnum, DIMENSION_SET_ENUMS, GranularityEnum, HoursEnum, PriorityEnum, TargetStatusEnum, UnitEnum } from './graphql-enums';
import { MetricBreakdownRow, MetricBucket, MetricComparison, MetricDrivers, PeriodInput, WITHHELD_DESCRIPTION } from './graphql-types';
import { analyseDrivers } from './drivers/drivers';
import { detectAnomalies } from './anomalies';
import { AnomalyPoint } from './anomaly-point';
import { assertFilterInScope, assertMetricInScope } from './scope';
import { compareValues, previousPeriod } from './comparison';
import { isDuration, type HoursMode, type MetricDefinition, type Unit } from './metric-definition';
import type { MetricRequest } from './metric-loaders';
import { validateBucketCount, validatePeriod, validateTimeZone } from './metric-validation';
import type { Granularity, Period } from './period';
import { baselineOf, targetStatus, type TargetStatus } from './targets/target-status';
import { METRICS } from './registry';
import { anomaliesCost, baselineCost, breakdownCost, comparisonCost, driversCost, metricFieldCost, recordsCost, seriesCost } from './query-cost';
import { decodeCursor, DEFAULT_RECORDS_PAGE, MAX_RECORDS_PAGE, validateFirst } from './record-query';
import { MetricRecordConnection, MetricRecordConnectionResolver } from './record-types';

/** GraphQL type and description of each dimension's filter argument: enums for closed sets, strings for business-defined values. */
const DIMENSION_ARGS: Record<Dimension, { type: () => unknown; description: string }> = {
  channel: { type: () => [ChannelEnum], description: 'Only these channels.' },
  product: { type: () => [String], description: 'Only these products.' },
  tier: { type: () => [String], description: 'Only customers of these tiers.' },
  priority: { type: () => [PriorityEnum], description: 'Only these priorities.' },
  team: { type: () => [String], description: 'Only these teams.' },
  agent: { type: () => [String], description: 'Only these agents (source ids).' },
};

/** The root object a metric field returns: the request its sub-fields load through the per-request DataLoaders. */
export class MetricHandle {
  constructor(readonly request: MetricRequest) {}
}

type MetricArgs = { period: PeriodInput; hours?: HoursMode } & Partial<Record<Dimension, string[]>>;

const pascal = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** Declares a nullable list argument per dimension on an ArgsType class (enums for closed sets, strings otherwise). */
export function declareDimensionArgs(target: Function, dimensions: readonly Dimension[]): void {
  for (const d of dimensions) {
    Field(DIMENSION_ARGS[d].type as () => [string], { nullable: true, description: DIMENSION_ARGS[d].description })(target.prototype, d);
  }
}

/**
 * The argument type of metrics accepting exactly these dimensions (only applicable dimensions exist, so others are schema
 * errors), with `hours` for elapsed-time metrics.
 */
function createArgsType(setName: DimensionSetName, dimensions: readonly Dimension[], withHours: boolean) {
  @ArgsType()
  class Args {
    @Field(() => PeriodInput)
    period: PeriodInput;
  }
  Object.defineProperty(Args, 'name', { value: `${setName}${withHours ? 'Elapsed' : ''}MetricArgs` });
  if (withHours) {
    Field(() => HoursEnum, {
      defaultValue: 'calendar',
      description: 'CALENDAR measures elapsed time on the clock; BUSINESS only while the business calendar that applies to the ticket is open.',
    })(Args.prototype, 'hours');
  }
  declareDimensionArgs(Args, dimensions);
  return Args;
}

/** The result type of one family (dimension set × duration or not), with the resolvers of its loaded fields. */
function createResultType(setName: DimensionSetName, duration: boolean) {
  const typeName = `${setName}${duration ? 'Duration' : ''}Metric`;
  const DimensionEnum = DIMENSION_SET_ENUMS[setName];

  @ObjectType(typeName, {
    description: `A ${setName.toLowerCase()} metric over a period: value, sample size${duration ? ', median and p90' : ''}, series, breakdown and comparison.`,
  })
  class Result extends MetricHandle {}

  @Resolver(() => Result)
  class ResultResolver {
    @FieldResolver(() => String, { description: 'The metric’s name in the catalogue.' })
    metric(@Root() root: MetricHandle): string {
      return root.request.metric.name;
    }

    @FieldResolver(() => UnitEnum, { description: 'Unit of the value.' })
    unit(@Root() root: MetricHandle): Unit {
      return root.request.metric.unit;
    }

    @FieldResolver(() => Float, { nullable: true, description: 'The value; null when no record qualifies (0 for counts and sums).' })
    async value(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<number | null> {
      return (await ctx.loaders.values.load(root.request)).value;
    }

    @FieldResolver(() => Int, { description: "Records the value was computed from (the denominator's count)." })
    async sampleSize(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<number> {
      return (await ctx.loaders.values.load(root.request)).sampleSize;
    }

    @FieldResolver(() => Boolean, { description: WITHHELD_DESCRIPTION })
    async suppressed(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<boolean> {
      return (await ctx.loaders.values.load(root.request)).suppressed;
    }

    @FieldResolver(() => [MetricBucket], {
      description: "The value per bucket over the period, every bucket present, in the series' time zone.",
      complexity: seriesCost,
    })
    async series(
      @Root() root: MetricHandle,
      @Ctx() ctx: ApiContext,
      @Arg('granularity', () => GranularityEnum) granularity: Granularity,
      @Arg('timezone', () => String, { nullable: true, description: "IANA time zone of the buckets (default: the period's)." })
      timezone: string | null | undefined,
      @Info() info: GraphQLResolveInfo,
    ): Promise<MetricBucket[]> {
      const zone = timezone ?? root.request.period.timezone;
      validateTimeZone(zone, 'timezone');
      validateBucketCount(root.request.period, granularity, ctx.config);
      const percentiles = selectsAny(info, PERCENTILE_FIELDS);
      return ctx.loaders.series.load({ ...root.request, percentiles, granularity, timezone: zone });
    }

    @FieldResolver(() => [MetricBreakdownRow], { description: 'The metric per value of a dimension, within the filters.', complexity: breakdownCost })
    async breakdown(
      @Root() root: MetricHandle,
      @Ctx() ctx: ApiContext,
      @Arg('by', () => DimensionEnum) by: Dimension,
      @Info() info: GraphQLResolveInfo,
    ): Promise<MetricBreakdownRow[]> {
      return ctx.loaders.breakdowns.load({ ...root.request, percentiles: selectsAny(info, PERCENTILE_FIELDS), dimension: by });
    }

    @FieldResolver(() => Float, {
      nullable: true,
      description: 'The target set for this metric and exactly this filter (setMetricTarget); null when none.',
    })
    async target(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<number | null> {
      return ctx.loaders.targets.load({ metric: root.request.metric.name, filter: root.request.filter });
    }

    @FieldResolver(() => TargetStatusEnum, {
      nullable: true,
      description: 'ON_TRACK, AT_RISK or OFF_TRACK against the target; null without a target or a value.',
    })
    async status(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<TargetStatus | null> {
      const [current, target] = await Promise.all([
        ctx.loaders.values.load(root.request),
        ctx.loaders.targets.load({ metric: root.request.metric.name, filter: root.request.filter }),
      ]);
      return targetStatus(current.value, target, root.request.metric.direction, ctx.config.TARGET_AT_RISK_TOLERANCE_PERCENT);
    }

    @FieldResolver(() => Float, {
      nullable: true,
      description: 'Mean value over the previous `periods` periods of the same length (those with data); null when none has data.',
      complexity: baselineCost,
    })
    async baseline(
      @Root() root: MetricHandle,
      @Ctx() ctx: ApiContext,
      @Arg('periods', () => Int, { defaultValue: 4, description: 'How many previous periods to average.' }) periods: number,
    ): Promise<number | null> {
      if (!Number.isInteger(periods) || periods < 1 || periods > ctx.config.MAX_BASELINE_PERIODS) {
        throw new ApiError(
          ErrorCode.BAD_USER_INPUT,
          `periods: must be between 1 and ${ctx.config.MAX_BASELINE_PERIODS} (MAX_BASELINE_PERIODS)`,
          'periods',
        );
      }
      const previous: Period[] = [];
      let p = root.request.period;
      for (let i = 0; i < periods; i++) previous.push((p = previousPeriod(p)));
      const values = await Promise.all(previous.map((period) => ctx.loaders.values.load({ ...root.request, percentiles: false, period })));
      return baselineOf(values.map((v) => v.value));
    }

    @FieldResolver(() => MetricDrivers, {
      description: 'Which values of a dimension drove the change from a compared period (default: the previous period of equal length).',
      complexity: driversCost,
    })
    async drivers(
      @Root() root: MetricHandle,
      @Ctx() ctx: ApiContext,
      @Arg('by', () => DimensionEnum) by: Dimension,
      @Arg('comparedTo', () => PeriodInput, { nullable: true }) comparedTo?: PeriodInput | null,
    ): Promise<MetricDrivers> {
      const base = comparedTo
        ? validatePeriod(
            { from: comparedTo.from, to: comparedTo.to, timezone: comparedTo.timezone ?? root.request.period.timezone },
            ctx.config,
            'comparedTo',
          )
        : previousPeriod(root.request.period);
      const before = { ...root.request, percentiles: false, period: base };
      const [current, previous, currentRows, previousRows] = await Promise.all([
        ctx.loaders.values.load(root.request),
        ctx.loaders.values.load(before),
        ctx.loaders.breakdowns.load({ ...root.request, percentiles: false, dimension: by }),
        ctx.loaders.breakdowns.load({ ...before, dimension: by }),
      ]);
      const analysis = analyseDrivers(
        { value: previous.value, segments: previousRows },
        { value: current.value, segments: currentRows },
        root.request.metric.emptyValue === 0,
      );
      return { comparedFrom: base.from, comparedTo: base.to, ...analysis };
    }

    @FieldResolver(() => [AnomalyPoint], {
      description: "Days of the period's daily series whose value lies beyond a robust threshold of what trend and weekly seasonality predict.",
      // A daily series plus its decomposition.
      complexity: anomaliesCost,
    })
    async anomalies(
      @Root() root: MetricHandle,
      @Ctx() ctx: ApiContext,
      @Arg('threshold', () => Float, { defaultValue: 3.5, description: 'Robust z-score above which a day is flagged.' }) threshold: number,
    ): Promise<AnomalyPoint[]> {
      if (!(threshold > 0 && threshold <= 100))
        throw new ApiError(ErrorCode.BAD_USER_INPUT, 'threshold: must be above 0 and at most 100', 'threshold');
      validateBucketCount(root.request.period, 'day', ctx.config);
      const days = await ctx.loaders.series.load({ ...root.request, percentiles: false, granularity: 'day', timezone: root.request.period.timezone });
      return detectAnomalies(
        days.map((d) => d.value),
        { period: 7, threshold },
      ).map((a) => ({
        start: days[a.index].start,
        localStart: days[a.index].localStart,
        value: a.value,
        expected: a.expected,
        deviation: a.deviation,
        score: a.score,
      }));
    }

    @FieldResolver(() => MetricRecordConnection, {
      description:
        'The records the value is computed from (same period, filters, hours and scope; none when the value is withheld), a page at a time: `totalCount` equals `sampleSize`.',
      complexity: recordsCost,
    })
    records(
      @Root() root: MetricHandle,
      @Ctx() ctx: ApiContext,
      @Arg('first', () => Int, { defaultValue: DEFAULT_RECORDS_PAGE, description: `Records per page (at most ${MAX_RECORDS_PAGE}).` }) first: number,
      @Arg('after', () => String, { nullable: true, description: "The previous page's pageInfo.endCursor." }) after: string | null | undefined,
    ): MetricRecordConnection {
      validateFirst(first);
      return new MetricRecordConnection(ctx.loaders.records.load(root.request, first, after ? decodeCursor(after) : null));
    }

    @FieldResolver(() => MetricComparison, {
      description: 'The metric over the previous period of equal length, and the change.',
      complexity: comparisonCost,
    })
    async comparison(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<MetricComparison> {
      const previous = previousPeriod(root.request.period);
      const [current, before] = await Promise.all([
        ctx.loaders.values.load(root.request),
        ctx.loaders.values.load({ ...root.request, percentiles: false, period: previous }),
      ]);
      return {
        previousFrom: previous.from,
        previousTo: previous.to,
        previousValue: before.value,
        previousSampleSize: before.sampleSize,
        ...compareValues(current.value, before.value, root.request.metric.direction),
      };
    }
  }

  if (duration) {
    @Resolver(() => Result)
    class DurationResolver {
      @FieldResolver(() => Float, { nullable: true, description: 'Median duration (seconds); null when no record qualifies.' })
      async median(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<number | null> {
        return (await ctx.loaders.values.load(root.request)).median ?? null;
      }

      @FieldResolver(() => Float, {
        nullable: true,
        description: '90th percentile duration (seconds, linear interpolation); null when no record qualifies.',
      })
      async p90(@Root() root: MetricHandle, @Ctx() ctx: ApiContext): Promise<number | null> {
        return (await ctx.loaders.values.load(root.request)).p90 ?? null;
      }
    }
    return { Result, resolvers: [ResultResolver, DurationResolver] };
  }
  return { Result, resolvers: [ResultResolver] };
}

/** Reads the segment filter of a metric's arguments; a dimension outside the metric's set cannot reach here (schema error). */
export function filterOf(metric: MetricDefinition, args: Partial<Record<Dimension, string[] | null>>): SegmentFilter {
  const filter: SegmentFilter = {};
  for (const d of metric.dimensions) {
    const values = args[d];
    if (values === undefined || values === null) continue;
    if (values.length === 0) throw new ApiError(ErrorCode.BAD_USER_INPUT, `${d}: give at least one value, or leave the filter out`, d);
    filter[d] = values;
  }
  return normaliseFilter(filter);
}

/** The Query field of one metric, taking its period and the filters of its dimensions. */
function createMetricQuery(metric: MetricDefinition, ResultType: new (r: MetricRequest) => MetricHandle, ArgsClass: Function) {
  @Resolver()
  class MetricQuery {
    @Query(() => ResultType, { name: metric.name, description: `${metric.description} ${pascal(metric.formula)}.`, complexity: metricFieldCost })
    async resolve(@Args(() => ArgsClass) args: MetricArgs, @Ctx() ctx: ApiContext, @Info() info: GraphQLResolveInfo): Promise<MetricHandle> {
      const period = validatePeriod({ from: args.period.from, to: args.period.to, timezone: args.period.timezone ?? 'UTC' }, ctx.config);
      assertMetricInScope(metric, ctx.caller.scope);
      const filter = filterOf(metric, args);
      assertFilterInScope(filter, ctx.caller.scope);
      const hours = args.hours ?? 'calendar';
      if (hours === 'business' && !(await ctx.loaders.calendarCount.load('all'))) {
        throw new ApiError(ErrorCode.NO_BUSINESS_CALENDAR, 'hours: BUSINESS needs a business calendar; create one with setBusinessCalendar', 'hours');
      }
      // The value and its percentiles come from one statement; percentiles (raw rows only) are computed only when selected.
      const percentiles = isDuration(metric) && selectsAny(info, PERCENTILE_FIELDS);
      return new ResultType({ metric, period, filter, hours, percentiles });
    }
  }
  return MetricQuery;
}

/** Every resolver class of the metric part of the schema, generated from the registry. */
export function metricResolvers(): Function[] {
  const results = new Map<string, ReturnType<typeof createResultType>>();
  const argsTypes = new Map<string, Function>();
  const resolvers: Function[] = [MetricRecordConnectionResolver];
  for (const metric of METRICS) {
    const setName = dimensionSetName(metric.dimensions);
    const familyKey = `${setName}:${isDuration(metric)}`;
    let family = results.get(familyKey);
    if (!family) {
      family = createResultType(setName, isDuration(metric));
      results.set(familyKey, family);
      resolvers.push(...family.resolvers);
    }
    const argsKey = `${setName}:${Boolean(metric.elapsedTime)}`;
    let args = argsTypes.get(argsKey);
    if (!args) argsTypes.set(argsKey, (args = createArgsType(setName, metric.dimensions, Boolean(metric.elapsedTime))));
    resolvers.push(createMetricQuery(metric, family.Result, args));
  }
  return resolvers;
}
