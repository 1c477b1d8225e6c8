import { DateTimeResolver } from 'graphql-scalars';
import { Arg, Authorized, Ctx, Field, Float, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../../api/context';
import { ApiError, ErrorCode } from '../../api/errors';
import { DIMENSIONS, normaliseFilter, type Dimension, type SegmentFilter } from '../dimensions';
import { metricByNameOrNull } from '../registry';
import { filterKey } from './target-loader';
import { SegmentFilterInput } from './segment-filter-input';

/** A stored target. */
@ObjectType({ description: 'A target for a metric, over all data or one segment.' })
export class MetricTargetInfo {
  @Field(() => String) metric: string;
  @Field(() => String, { description: 'The segment as JSON ({} = all data), dimension → values.' }) segment: string;
  @Field(() => Float) target: number;
  @Field(() => DateTimeResolver) updatedAt: Date;
}

/** Validates a metric name and a segment of it; returns the normalised filter. Errors name `argument`'s fields. */
export function checkedFilter(metricName: string, input: SegmentFilterInput | null | undefined, argument = 'filter'): SegmentFilter {
  const metric = metricByNameOrNull(metricName);
  if (!metric) throw new ApiError(ErrorCode.BAD_USER_INPUT, `metric: unknown metric ${JSON.stringify(metricName)}; see metricCatalogue`, 'metric');
  const filter: SegmentFilter = {};
  for (const d of DIMENSIONS) {
    const values = input?.[d as Dimension];
    if (values === undefined || values === null) continue;
    if (!metric.dimensions.includes(d)) {
      throw new ApiError(
        ErrorCode.DIMENSION_NOT_APPLICABLE,
        `${argument}.${d}: ${metric.name} has no ${d} dimension (it has ${metric.dimensions.join(', ')})`,
        `${argument}.${d}`,
      );
    }
    if (values.length === 0)
      throw new ApiError(ErrorCode.BAD_USER_INPUT, `${argument}.${d}: give at least one value, or leave it out`, `${argument}.${d}`);
    filter[d] = values;
  }
  return normaliseFilter(filter);
}

/** Setting, removing and listing metric targets. */
@Resolver()
export class TargetResolver {
  @Authorized('admin')
  @Mutation(() => MetricTargetInfo, { description: 'Sets (or replaces) the target of a metric for all data or one segment.' })
  async setMetricTarget(
    @Arg('metric', () => String) metric: string,
    @Arg('target', () => Float) target: number,
    @Arg('filter', () => SegmentFilterInput, { nullable: true }) filterInput: SegmentFilterInput | null,
    @Ctx() ctx: ApiContext,
  ): Promise<MetricTargetInfo> {
    const filter = checkedFilter(metric, filterInput);
    if (!Number.isFinite(target)) throw new ApiError(ErrorCode.BAD_USER_INPUT, 'target: must be a finite number', 'target');
    const [row] = await ctx.sql.query<{ updated_at: Date }>(
      `INSERT INTO metric_targets (metric, filter, filter_key, target) VALUES ($1, $2::jsonb, $3, $4)
       ON CONFLICT (metric, filter_key) DO UPDATE SET target = EXCLUDED.target, updated_at = now()
       RETURNING updated_at`,
      [metric, JSON.stringify(filter), filterKey(filter), target],
    );
    return { metric, segment: filterKey(filter), target, updatedAt: new Date(row.updated_at) };
  }

  @Authorized('admin')
  @Mutation(() => Boolean, { description: 'Removes a target; false when there was none.' })
  async removeMetricTarget(
    @Arg('metric', () => String) metric: string,
    @Arg('filter', () => SegmentFilterInput, { nullable: true }) filterInput: SegmentFilterInput | null,
    @Ctx() ctx: ApiContext,
  ): Promise<boolean> {
    const filter = checkedFilter(metric, filterInput);
    // A bare DELETE answers with TypeORM's [rows, count] pair; counting in SQL keeps the answer unambiguous.
    const [row] = await ctx.sql.query<{ n: number }>(
      `WITH d AS (DELETE FROM metric_targets WHERE metric = $1 AND filter_key = $2 RETURNING id) SELECT count(*)::int AS n FROM d`,
      [metric, filterKey(filter)],
    );
    return row.n > 0;
  }

  // Partners are left out: the list names other segments (their own target shows on their metrics' target field).
  @Authorized('admin', 'analyst')
  @Query(() => [MetricTargetInfo], { description: 'Every target that is set.' })
  async metricTargets(@Ctx() ctx: ApiContext): Promise<MetricTargetInfo[]> {
    const rows = await ctx.sql.query<{ metric: string; filter_key: string; target: number; updated_at: Date }>(
      `SELECT metric, filter_key, target, updated_at FROM metric_targets ORDER BY metric, filter_key`,
      [],
    );
    return rows.map((r) => ({ metric: r.metric, segment: r.filter_key, target: Number(r.target), updatedAt: new Date(r.updated_at) }));
  }
}
