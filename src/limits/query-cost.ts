import {
  getOperationAST,
  isInputObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import type { Config } from '../config/config';
import { maxBucketCount, type Granularity } from '../metrics/period';

/**
 * Query cost: every field costs 1 unless it declares its cost next to its definition (type-graphql's `complexity`
 * option, read by graphql-query-complexity's fieldExtensionsEstimator); a field's cost includes its sub-fields'. A series
 * costs one per bucket, and its bucket count depends on the period of the metric field above it, which its own
 * arguments do not carry: so before estimating, the period in force at each field is read from the document.
 */
export interface CostContext {
  /** Length in days of the period argument of the nearest enclosing field that has one (the longest, under fragments used twice). */
  periodDays: Map<FieldNode, number>;
  /** What a field under no readable period is charged for (MAX_PERIOD_DAYS). */
  maxPeriodDays: number;
}

const DAY_MS = 86_400_000;

const bucketsOver = (days: number, granularity: Granularity) => maxBucketCount({ from: new Date(0), to: new Date(days * DAY_MS), timezone: 'UTC' }, granularity);

/**
 * Cost of a series field: its bucket count (from the enclosing period and its `granularity` argument, daily without
 * one, as for anomalies) plus its sub-fields.
 */
export function seriesCost({ node, args, childComplexity, context }: ComplexityEstimatorArgs): number {
  const costs = context as CostContext | undefined;
  const days = costs?.periodDays.get(node) ?? costs?.maxPeriodDays ?? 3660;
  return bucketsOver(days, (args.granularity as Granularity | undefined) ?? 'day') + childComplexity;
}

/**
 * Cost of a field that reads a series over a period argument of its own (a forecast's `history`): `perBucket` per bucket
 * at the `granularity` argument (or the fixed granularity given), plus its sub-fields.
 */
export function periodArgumentCost(periodArgument: string, granularity: Granularity | { argument: string }, perBucket = 1) {
  return ({ args, childComplexity, context }: ComplexityEstimatorArgs): number => {
    const period = args[periodArgument] as { from?: unknown; to?: unknown } | undefined;
    const from = period?.from instanceof Date ? period.from.getTime() : NaN;
    const to = period?.to instanceof Date ? period.to.getTime() : NaN;
    const max = (context as CostContext | undefined)?.maxPeriodDays ?? 3660;
    const days = Number.isFinite(from) && Number.isFinite(to) ? Math.min(Math.max(0, (to - from) / DAY_MS), max) : max;
    const g = typeof granularity === 'string' ? granularity : ((args[granularity.argument] as Granularity | undefined) ?? 'day');
    return Math.ceil(bucketsOver(days, g) * perBucket) + childComplexity;
  };
}

/** A fixed cost for the field itself plus its sub-fields (for `complexity:` options). */
export function fixedCost(cost: number) {
  return ({ childComplexity }: ComplexityEstimatorArgs): number => cost + childComplexity;
}

/** Cost of `count` statements of `each` cost plus sub-fields, `count` read from an argument (e.g. baseline's periods). */
export function perArgumentCost(argument: string, each: number) {
  return ({ args, childComplexity }: ComplexityEstimatorArgs): number => Math.max(1, Number(args[argument]) || 1) * each + childComplexity;
}

/** Reads the period (days) in force at every field of the operation: the `period` argument of the nearest ancestor having one. */
export function periodDaysByField(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, rawVariables: Record<string, unknown>, maxPeriodDays: number): Map<FieldNode, number> {
  const out = new Map<FieldNode, number>();
  const operation = getOperationAST(document, operationName);
  const periodType = schema.getType('PeriodInput');
  if (!operation || !periodType || !isInputObjectType(periodType)) return out;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  const variables = coerced.coerced ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const daysOf = (field: FieldNode): number | undefined => {
    const arg = field.arguments?.find((a) => a.name.value === 'period');
    if (!arg) return undefined;
    const period = valueFromAST(arg.value, periodType, variables) as { from?: unknown; to?: unknown } | undefined;
    const from = period?.from instanceof Date ? period.from.getTime() : NaN;
    const to = period?.to instanceof Date ? period.to.getTime() : NaN;
    // An unreadable period fails in its resolver; until then it is charged as the longest allowed.
    return Number.isFinite(from) && Number.isFinite(to) ? Math.min(Math.max(0, (to - from) / DAY_MS), maxPeriodDays) : maxPeriodDays;
  };

  const walk = (selectionSet: SelectionSetNode, days: number | undefined, activeFragments: ReadonlySet<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const here = daysOf(selection) ?? days;
        if (here !== undefined) out.set(selection, Math.max(out.get(selection) ?? 0, here));
        if (selection.selectionSet) walk(selection.selectionSet, here, activeFragments);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, days, activeFragments);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !activeFragments.has(name)) walk(fragment.selectionSet, days, new Set([...activeFragments, name]));
      }
    }
  };
  walk(operation.selectionSet, undefined, new Set());
  return out;
}

/** The estimated cost of an operation (throws a GraphQLError for variables that do not fit their types). */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  config: Pick<Config, 'MAX_PERIOD_DAYS'>,
): number {
  const context: CostContext = {
    periodDays: periodDaysByField(schema, document, operationName, variables, config.MAX_PERIOD_DAYS),
    maxPeriodDays: config.MAX_PERIOD_DAYS,
  };
  return getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    context,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
}
