import { Arg, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql';
import type { ApiContext } from '../api/context';
import { DIMENSIONS, type Dimension } from './dimensions';
import { DimensionEnum, DirectionEnum, IndicatorEnum, MetricKindEnum, UnitEnum } from './graphql-enums';
import { isDuration, type Direction, type Indicator, type MetricDefinition, type MetricKind, type Unit } from './metric-definition';
import { METRICS } from './registry';
import { effectiveFilter, scopedDimensions } from './scope';
import { TICKETS } from './fact-sources';
import { filterConditions } from './metric-query';
import { SqlParams } from './sql-params';
import { fixedCost } from './query-cost';

/** A metric as the catalogue lists it. */
@ObjectType({ description: 'A metric of the catalogue: what it measures and how to query it.' })
export class MetricInfo {
  @Field(() => String, { description: 'The Query field that computes it.' })
  name: string;

  @Field(() => String)
  title: string;

  @Field(() => String)
  description: string;

  @Field(() => String, { description: 'The definition in words.' })
  formula: string;

  @Field(() => UnitEnum)
  unit: Unit;

  @Field(() => DirectionEnum)
  direction: Direction;

  @Field(() => MetricKindEnum)
  kind: MetricKind;

  @Field(() => IndicatorEnum)
  indicator: Indicator;

  @Field(() => [DimensionEnum], { description: 'Dimensions it can be filtered and broken down by.' })
  dimensions: Dimension[];

  @Field(() => Boolean, { description: 'Whether it also reports a median and a 90th percentile.' })
  hasDistribution: boolean;
}

/** The catalogue entry of a registered metric. */
export function metricInfo(m: MetricDefinition): MetricInfo {
  return {
    name: m.name,
    title: m.title,
    description: m.description,
    formula: m.formula,
    unit: m.unit,
    direction: m.direction,
    kind: m.kind,
    indicator: m.indicator,
    dimensions: [...m.dimensions],
    hasDistribution: isDuration(m),
  };
}

/** Where the known values of each dimension are read: the table and column that define them. */
/**
 * The distinct values of an indexed column (the leading column of an index), one index probe per value: DISTINCT would
 * read every row, which the dashboard's filters waited for at each load (200 ms and more at a million tickets).
 */
const distinctByIndex = (table: string, column: string) => `WITH RECURSIVE s(v) AS (
  SELECT min(${column}) FROM ${table}
  UNION ALL SELECT (SELECT min(${column}) FROM ${table} WHERE ${column} > s.v) FROM s WHERE s.v IS NOT NULL
) SELECT v FROM s`;

const DIMENSION_VALUES_SQL: Record<Dimension, string> = {
  // tickets (channel, created_at) and (product, created_at) are indexed.
  channel: distinctByIndex('tickets', 'channel'),
  product: `${distinctByIndex('tickets', 'product')} UNION SELECT product FROM customers UNION SELECT product FROM orders UNION SELECT product FROM surveys`,
  tier: `SELECT DISTINCT tier AS v FROM customers`,
  priority: `SELECT DISTINCT priority AS v FROM tickets`,
  team: `SELECT DISTINCT team AS v FROM agents`,
  agent: `SELECT external_id AS v FROM agents`,
};

/** The catalogue queries: every metric with its metadata, and the known values of each dimension. */
@Resolver()
export class CatalogueResolver {
  @Query(() => [MetricInfo], { description: 'Every metric the API computes, with its definition, unit, direction and dimensions.' })
  metricCatalogue(@Ctx() ctx: ApiContext): MetricInfo[] {
    // A partner sees only the metrics that can be limited to its scope.
    return METRICS.filter((m) => scopedDimensions(ctx.caller.scope).every((d) => m.dimensions.includes(d))).map(metricInfo);
  }

  @Query(() => [String], {
    description: 'The values of a dimension present in the data, sorted (channels and priorities as stored, lower-case).',
    complexity: fixedCost(5),
  })
  async dimensionValues(@Arg('dimension', () => DimensionEnum) dimension: Dimension, @Ctx() ctx: ApiContext): Promise<string[]> {
    if (!DIMENSIONS.includes(dimension)) return [];
    const scope = ctx.caller.scope;
    if (!scope) {
      const rows = await ctx.sql.query<{ v: string }>(`SELECT v FROM (${DIMENSION_VALUES_SQL[dimension]}) d WHERE v IS NOT NULL ORDER BY v`, []);
      return rows.map((r) => r.v);
    }
    // A scoped caller learns only the values present on tickets inside its scope (tickets carry every dimension).
    const params = new SqlParams();
    const where = filterConditions(TICKETS, effectiveFilter({}, scope), params);
    const rows = await ctx.sql.query<{ v: string }>(
      `SELECT DISTINCT ${TICKETS.dimensions[dimension]} AS v FROM ${TICKETS.from} WHERE ${[...where, `${TICKETS.dimensions[dimension]} IS NOT NULL`].join(' AND ')} ORDER BY 1`,
      params.values,
    );
    return rows.map((r) => r.v);
  }
}
