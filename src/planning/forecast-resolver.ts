import { DateTimeResolver } from 'graphql-scalars';
import { Args, ArgsType, Ctx, Field, Float, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { forecastChurn } from '../../forecasting';
import type { ApiContext } from '../api/context';
import { ApiError, ErrorCode } from '../api/errors';
import { DIMENSION_SETS, normaliseFilter, type Dimension, type SegmentFilter } from '../metrics/dimensions';
import { CUSTOMERS } from '../metrics/fact-sources';
import { PeriodInput } from '../metrics/graphql-types';
import { filterConditions } from '../metrics/metric-query';
import { declareDimensionArgs, filterOf } from '../metrics/metric-resolvers';
import { validateBucketCount, validatePeriod } from '../metrics/metric-validation';
import type { Period } from '../metrics/period';
import { metricByName } from '../metrics/registry';
import { assertFilterInScope, assertMetricInScope, effectiveFilter } from '../metrics/scope';
import { SqlParams } from '../metrics/sql-params';
import { ForecastCache, dataVersion } from './forecast-cache';
import { ForecastGranularityEnum, PredictionInterval, VolumeForecast, type ForecastGranularity } from './forecast-types';
import { checkLevels, checkNumber } from './forecast-validation';
import { nextBuckets } from './future-buckets';
import { checkAdjustment, scenarioForecast, VolumeAdjustmentInput } from './volume-adjustment';
import { computeVolumeForecast, type VolumeForecastRequest } from './volume-forecast';
import { periodArgumentCost } from '../metrics/query-cost';
import { checkEventsArgument, ForecastEventInput } from './forecast-events';

const caches = new WeakMap<object, ForecastCache>();

/** The server's forecast cache (the HTTP server's own; else one per SQL seam, i.e. per server and database). */
export function forecastCache(ctx: ApiContext): ForecastCache {
  if (ctx.forecastCache) return ctx.forecastCache;
  let cache = caches.get(ctx.sql);
  if (!cache) caches.set(ctx.sql, (cache = new ForecastCache(ctx.config.FORECAST_CACHE_ENTRIES)));
  return cache;
}

/**
 * Part of every cache key: raise it when forecast() answers differently for the same data (a new model, calibrated
 * intervals), so a shared cache does not serve an older release's answers after an upgrade.
 */
const FORECAST_RESULT_VERSION = 2;

/**
 * Computes through the cache, keyed by what is asked, who may see what, the data version and the one setting that
 * changes an answer (PARTNER_MIN_GROUP_SIZE: the cache may be shared with processes configured differently).
 */
export async function cached<T>(ctx: ApiContext, key: unknown[], compute: () => Promise<T>): Promise<T> {
  if (ctx.config.FORECAST_CACHE_ENTRIES === 0) return compute();
  const version = await dataVersion(ctx.sql);
  return forecastCache(ctx).get(
    JSON.stringify([FORECAST_RESULT_VERSION, ...key, ctx.caller.scope, ctx.config.PARTNER_MIN_GROUP_SIZE, version]),
    compute,
  );
}

/**
 * The volume forecast of a segment, through the cache: ticketVolumeForecast and staffingPlan both read it here, so a
 * plan's contacts are the forecast (model, choice by backtest and accuracy) the same history and horizon give.
 */
export function volumeForecast(ctx: ApiContext, req: VolumeForecastRequest): Promise<VolumeForecast> {
  return cached(ctx, ['volume', req], () => computeVolumeForecast(ctx, req));
}

/** Reads a metric-style period argument with the configured limits. */
export function periodOf(input: PeriodInput, ctx: ApiContext, argument: string): Period {
  return validatePeriod({ from: input.from, to: input.to, timezone: input.timezone ?? 'UTC' }, ctx.config, argument);
}

@ArgsType()
class VolumeForecastArgs {
  @Field(() => PeriodInput, { description: 'The history the model learns from; the forecast starts where it ends.' })
  history: PeriodInput;

  @Field(() => ForecastGranularityEnum, { defaultValue: 'day' })
  granularity: ForecastGranularity;

  @Field(() => Int, { description: 'Buckets to forecast.' })
  horizon: number;

  @Field(() => [Int], { defaultValue: [80, 95], description: 'Prediction-interval levels in percent.' })
  levels: number[];

  @Field(() => VolumeAdjustmentInput, {
    nullable: true,
    description: 'A volume scenario (e.g. multiplier 1.2 for +20%), returned as `scenario` beside the unchanged baseline.',
  })
  adjustment?: VolumeAdjustmentInput | null;

  @Field(() => [ForecastEventInput], {
    nullable: true,
    description: 'Known events (launches, campaigns, closures) beside the stored ones; one of the same name replaces the stored one.',
  })
  events?: ForecastEventInput[] | null;

  @Field(() => Boolean, {
    defaultValue: true,
    description: "Take the holidays of the business calendars the segment's tickets follow (as business-hours metrics pick them) into account.",
  })
  holidays: boolean;
}
declareDimensionArgs(VolumeForecastArgs, DIMENSION_SETS.Ticket);

@ObjectType({ description: 'One month of a churn forecast.' })
class ChurnForecastMonthType {
  @Field(() => DateTimeResolver) start: Date;
  @Field(() => String) localStart: string;
  @Field(() => Float, { description: 'Active customers assumed at the start of the month.' }) activeBase: number;
  @Field(() => Float, { description: 'Projected churn rate, %.' }) rate: number;
  @Field(() => [PredictionInterval]) rateIntervals: PredictionInterval[];
  @Field(() => Float, { description: 'Expected customers lost.' }) customersLost: number;
  @Field(() => [PredictionInterval]) customersLostIntervals: PredictionInterval[];
}

@ObjectType({ description: 'One month of churn history.' })
class ChurnHistoryMonth {
  @Field(() => DateTimeResolver) start: Date;
  @Field(() => String) localStart: string;
  @Field(() => Float, { nullable: true, description: 'Churn rate, %; null without active customers.' }) rate: number | null;
  @Field(() => Int, { description: 'Customers active at the start of the month.' }) activeAtStart: number;
}

@ObjectType({ description: 'Projected monthly churn and customers lost, with intervals.' })
class ChurnForecast {
  @Field(() => [ChurnHistoryMonth]) history: ChurnHistoryMonth[];
  @Field(() => [ChurnForecastMonthType]) months: ChurnForecastMonthType[];
  @Field(() => Int, { description: 'Active customers at the end of the history: the base the forecast starts from.' }) activeBase: number;
  @Field(() => String, { description: "'ses' (exponential smoothing on the logit of the rate), 'mean' or 'last' for short histories." })
  method: string;
  @Field(() => String, { nullable: true }) note: string | null;
}

@ArgsType()
class ChurnForecastArgs {
  @Field(() => PeriodInput, { description: 'Whole months of history (monthly buckets in its time zone).' })
  history: PeriodInput;

  @Field(() => Int, { description: 'Months to forecast.' })
  horizon: number;

  @Field(() => [Int], { defaultValue: [80, 95] })
  levels: number[];
}
declareDimensionArgs(ChurnForecastArgs, DIMENSION_SETS.Customer);

/** Forecast queries: ticket volume and churn. Staffing plans live in staffing-resolver.ts. */
@Resolver()
export class ForecastResolver {
  @Query(() => VolumeForecast, {
    description: 'Ticket volume forecast for a segment: history, forecast with intervals, decomposition, model and backtest accuracy.',
    // Fitting and backtesting several models costs a few times the history's buckets.
    complexity: periodArgumentCost('history', { argument: 'granularity' }, 3),
  })
  async ticketVolumeForecast(
    @Args(() => VolumeForecastArgs) args: VolumeForecastArgs & Partial<Record<Dimension, string[]>>,
    @Ctx() ctx: ApiContext,
  ): Promise<VolumeForecast> {
    const metric = metricByName('ticketVolume');
    assertMetricInScope(metric, ctx.caller.scope);
    const filter = filterOf(metric, args);
    assertFilterInScope(filter, ctx.caller.scope);
    const history = periodOf(args.history, ctx, 'history');
    validateBucketCount(history, args.granularity, ctx.config);
    const horizon = checkNumber(args.horizon, 'horizon', 1, ctx.config.MAX_FORECAST_HORIZON, true);
    const levels = checkLevels(args.levels);
    const adjustment = args.adjustment ? checkAdjustment(args.adjustment) : null;
    const req = {
      history,
      granularity: args.granularity,
      horizon,
      levels,
      filter,
      events: checkEventsArgument(args.events),
      holidays: args.holidays,
    };
    // The baseline is the same (and cached under the same key) with or without a scenario.
    const baseline = await volumeForecast(ctx, req);
    return { ...baseline, scenario: adjustment ? scenarioForecast(baseline.forecast, args.granularity, adjustment) : null };
  }

  @Query(() => ChurnForecast, {
    description: 'Monthly churn rate and customers lost, projected from the churn history of a tier/product segment.',
    complexity: periodArgumentCost('history', 'month', 10),
  })
  async churnForecast(
    @Args(() => ChurnForecastArgs) args: ChurnForecastArgs & Partial<Record<Dimension, string[]>>,
    @Ctx() ctx: ApiContext,
  ): Promise<ChurnForecast> {
    const metric = metricByName('churnRate');
    assertMetricInScope(metric, ctx.caller.scope);
    const filter = filterOf(metric, args);
    assertFilterInScope(filter, ctx.caller.scope);
    const history = periodOf(args.history, ctx, 'history');
    validateBucketCount(history, 'month', ctx.config);
    const horizon = checkNumber(args.horizon, 'horizon', 1, 60, true);
    const levels = checkLevels(args.levels);
    return cached(ctx, ['churn', history, horizon, levels, filter], async () => {
      const [rates, active] = await Promise.all([
        ctx.loaders.series.load({ metric, period: history, filter, hours: 'calendar', granularity: 'month', timezone: history.timezone }),
        activeCustomersAt(ctx, history.to, filter),
      ]);
      const observed = rates.filter((b) => b.value !== null);
      if (!observed.length) {
        throw new ApiError(ErrorCode.BAD_USER_INPUT, 'history: no month in it has active customers in this segment', 'history');
      }
      if (active < 1) throw new ApiError(ErrorCode.BAD_USER_INPUT, 'history: no customer of this segment is active at its end', 'history');
      const result = forecastChurn({ history: { rate: observed.map((b) => b.value!), activeBase: active }, horizon, levels });
      const last = rates[rates.length - 1];
      const future = await nextBuckets(ctx.sql, last.localStart, 'month', history.timezone, horizon);
      return {
        history: rates.map((b) => ({ start: b.start, localStart: b.localStart, rate: b.value, activeAtStart: b.sampleSize })),
        months: result.months.map((m, i) => ({
          start: future[i].start,
          localStart: future[i].localStart,
          activeBase: m.activeBase,
          rate: m.rate,
          rateIntervals: m.rateIntervals,
          customersLost: m.customersLost,
          customersLostIntervals: m.customersLostIntervals,
        })),
        activeBase: active,
        method: result.method,
        note: result.note || null,
      };
    });
  }
}

/** Customers of the segment (within the caller's scope) active at an instant. */
async function activeCustomersAt(ctx: ApiContext, at: Date, filter: SegmentFilter): Promise<number> {
  const params = new SqlParams();
  const instant = params.add(at.toISOString());
  const where = filterConditions(CUSTOMERS, normaliseFilter(effectiveFilter(filter, ctx.caller.scope)), params);
  const [row] = await ctx.sql.query<{ n: string }>(
    `SELECT count(*) AS n FROM ${CUSTOMERS.from}
     WHERE f.signed_up_at < ${instant}::timestamptz AND (f.churned_at IS NULL OR f.churned_at >= ${instant}::timestamptz)
     ${where.length ? `AND ${where.join(' AND ')}` : ''}`,
    params.values,
  );
  return Number(row.n);
}
