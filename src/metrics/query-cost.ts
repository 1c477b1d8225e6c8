import {
  getArgumentValues,
  getNamedType,
  getOperationAST,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  Kind,
  valueFromAST,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import {
  fieldExtensionsEstimator,
  getComplexity,
  simpleEstimator,
  type ComplexityEstimator,
  type ComplexityEstimatorArgs,
} from 'graphql-query-complexity';
import type { Config } from '../config/config';
import { previousPeriod } from './comparison';
import { normaliseFilter, type Dimension, type SegmentFilter } from './dimensions';
import { RAW_READ_COST, READ_COST_DAYS, readCost, statementKey, type MetricRead, type ReadSettings } from './metric-cost';
import { maxBucketCount, type Granularity, type Period } from './period';
import { metricByNameOrNull } from './registry';
import type { RollupGrouping } from './rollups/rollup-eligibility';
import type { Scope } from './scope';

/**
 * Query cost: every field costs 1 unless it declares its cost next to its definition (type-graphql's `complexity`
 * option, read by graphql-query-complexity's fieldExtensionsEstimator); a field's cost includes its sub-fields'. A series
 * costs one per bucket, and its bucket count depends on the period of the metric field above it, which its own
 * arguments do not carry: so before estimating, the period in force at each field, and the metric read each field
 * belongs to, are read from the document. Each statement the loaders will run is priced once, by the path it takes
 * (src/metrics/metric-cost.ts): per 30 days, 1 from the rollups and 40 from the raw tables.
 */
export interface CostContext {
  /** Length in days of the period argument of the nearest enclosing field that has one (the longest, under fragments used twice). */
  periodDays: Map<FieldNode, number>;
  /** What a field under no readable period is charged for (MAX_PERIOD_DAYS). */
  maxPeriodDays: number;
  /** For a metric field and every field below it, the metric read it belongs to (several under a fragment used by several metric fields). */
  metricReads?: Map<FieldNode, MetricFieldRead[]>;
  /** Whether rollups may answer, and the caller's scope: what decides a read's path. */
  readSettings?: ReadSettings;
  /** The statements charged so far in this estimate (statementKey): each is read once, whichever fields it answers. */
  chargedStatements?: Set<string>;
}

/** A metric field's read, and whether it reads the metric's total over its own period (value, median, comparison, …). */
export interface MetricFieldRead extends MetricRead {
  selectsTotal: boolean;
}

/** What one `__schema` or `__type` selection costs: each answers with the whole schema or a type of it (about 110 KB for `__schema`). */
export const INTROSPECTION_COST = 400;

/** Sub-fields of a metric that load its total over its own period. */
const TOTAL_READERS = ['value', 'sampleSize', 'suppressed', 'median', 'p90', 'status', 'comparison', 'drivers'];
const PERCENTILE_READERS = ['median', 'p90'];
const TOTAL: RollupGrouping = { kind: 'total' };

const DAY_MS = 86_400_000;

const bucketsOver = (days: number, granularity: Granularity) =>
  maxBucketCount({ from: new Date(0), to: new Date(days * DAY_MS), timezone: 'UTC' }, granularity);

const costContext = (context: unknown) => context as CostContext | undefined;

/** The bucket count of a series field: from the enclosing period and the granularity (daily without one, as for anomalies). */
function seriesBuckets({ node, context }: ComplexityEstimatorArgs, granularity: Granularity): number {
  const costs = costContext(context);
  const days = costs?.periodDays.get(node) ?? costs?.maxPeriodDays ?? 3660;
  return bucketsOver(days, granularity);
}

/** A read a field causes: the metric read (perhaps over another period) and its grouping. */
type Read = [MetricRead, RollupGrouping];

/**
 * The price of the reads a field causes, for the metric reads it belongs to, counting each statement once per
 * operation: fields answered by a statement already charged (another metric of its family, a series beside its total,
 * an alias asking the same again) add nothing. 0 outside a metric field.
 */
function readsPrice({ node, context }: ComplexityEstimatorArgs, readsOf: (read: MetricFieldRead) => Read[]): number {
  const costs = costContext(context);
  const fieldReads = costs?.metricReads?.get(node);
  const settings = costs?.readSettings;
  if (!fieldReads?.length || !settings) return 0;
  let price = 0;
  for (const [read, grouping] of fieldReads.flatMap(readsOf)) {
    const key = statementKey(read, grouping, settings);
    if (costs.chargedStatements?.has(key)) continue;
    costs.chargedStatements?.add(key);
    price += readCost(read, grouping, settings);
  }
  return price;
}

/** The same read over another period (a comparison's, baseline's or drivers' previous period: no percentiles there). */
const over = (read: MetricFieldRead, period: Period): MetricFieldRead => ({ ...read, period, percentiles: false, selectsTotal: false });

/** Cost of a metric field: 1, its sub-fields, and the read of its total when a sub-field needs it. */
export function metricFieldCost(a: ComplexityEstimatorArgs): number {
  return 1 + a.childComplexity + readsPrice(a, (r) => (r.selectsTotal ? [[r, TOTAL]] : []));
}

/** Cost of a series field: its bucket count (from the enclosing period and its `granularity` argument), its sub-fields and its read. */
export function seriesCost(a: ComplexityEstimatorArgs): number {
  const granularity = (a.args.granularity as Granularity | undefined) ?? 'day';
  const read = readsPrice(a, (r) => [
    [r, { kind: 'series', granularity, timezone: (a.args.timezone as string | null | undefined) ?? r.period.timezone }],
  ]);
  return seriesBuckets(a, granularity) + a.childComplexity + read;
}

/** Cost of anomalies: a daily series in the period's zone and its decomposition (two per bucket), plus that series' read. */
export function anomaliesCost(a: ComplexityEstimatorArgs): number {
  const read = readsPrice(a, (r) => [[r, { kind: 'series', granularity: 'day', timezone: r.period.timezone }]]);
  return 2 * seriesBuckets(a, 'day') + a.childComplexity + read;
}

/** Cost of a breakdown: 10, its sub-fields and its read. */
export function breakdownCost(a: ComplexityEstimatorArgs): number {
  return 10 + a.childComplexity + readsPrice(a, (r) => [[r, { kind: 'breakdown', dimension: a.args.by as Dimension }]]);
}

/**
 * Cost of a records page: one per record asked for (`first`), its sub-fields, and a read of the raw rows over the
 * enclosing period (a page and its totalCount never come from the rollups), charged per page.
 */
export function recordsCost(a: ComplexityEstimatorArgs): number {
  const costs = costContext(a.context);
  const days = costs?.periodDays.get(a.node) ?? costs?.maxPeriodDays ?? 3660;
  const first = Math.max(1, Number(a.args.first ?? 50) || 1);
  return first + a.childComplexity + RAW_READ_COST * Math.ceil(days / READ_COST_DAYS);
}

/** Cost of a comparison: 5, its sub-fields and the read of the previous period's total. */
export function comparisonCost(a: ComplexityEstimatorArgs): number {
  return 5 + a.childComplexity + readsPrice(a, (r) => [[over(r, previousPeriod(r.period)), TOTAL]]);
}

/** Cost of a baseline: per previous period (`periods`), 5 and the read of its total. */
export function baselineCost(a: ComplexityEstimatorArgs): number {
  const periods = Math.max(1, Number(a.args.periods) || 1);
  return (
    5 * periods +
    a.childComplexity +
    readsPrice(a, (r) => {
      const reads: Read[] = [];
      let p = r.period;
      for (let i = 0; i < periods; i++) reads.push([over(r, (p = previousPeriod(p))), TOTAL]);
      return reads;
    })
  );
}

/** Cost of drivers: 25, the breakdown over the period, and the breakdown and total over the compared period. */
export function driversCost(a: ComplexityEstimatorArgs): number {
  const by: RollupGrouping = { kind: 'breakdown', dimension: a.args.by as Dimension };
  const compared = a.args.comparedTo as { from?: unknown; to?: unknown; timezone?: string | null } | null | undefined;
  return (
    25 +
    a.childComplexity +
    readsPrice(a, (r) => {
      const base =
        compared?.from instanceof Date && compared.to instanceof Date
          ? over(r, { from: compared.from, to: compared.to, timezone: compared.timezone ?? r.period.timezone })
          : over(r, previousPeriod(r.period));
      return [
        [r, by],
        [base, by],
        [base, TOTAL],
      ];
    })
  );
}

/** `__schema` and `__type` cost INTROSPECTION_COST each, plus their sub-fields; other fields are left to the next estimator. */
export const introspectionEstimator: ComplexityEstimator = ({ field, childComplexity }) =>
  field.name === '__schema' || field.name === '__type' ? INTROSPECTION_COST + childComplexity : undefined;

/**
 * Cost of a field that reads a series over a period argument of its own (a forecast's `history`): `perBucket` per bucket
 * at the `granularity` argument (or the fixed granularity given), plus its sub-fields.
 */
export function periodArgumentCost(periodArgument: string, granularity: Granularity | { argument: string }, perBucket = 1) {
  return ({ args, childComplexity, context }: ComplexityEstimatorArgs): number => {
    const period = args[periodArgument] as { from?: unknown; to?: unknown } | undefined;
    const from = period?.from instanceof Date ? period.from.getTime() : NaN;
    const to = period?.to instanceof Date ? period.to.getTime() : NaN;
    const max = costContext(context)?.maxPeriodDays ?? 3660;
    const days = Number.isFinite(from) && Number.isFinite(to) ? Math.min(Math.max(0, (to - from) / DAY_MS), max) : max;
    const g = typeof granularity === 'string' ? granularity : ((args[granularity.argument] as Granularity | undefined) ?? 'day');
    return Math.ceil(bucketsOver(days, g) * perBucket) + childComplexity;
  };
}

/** A fixed cost for the field itself plus its sub-fields (for `complexity:` options). */
export function fixedCost(cost: number) {
  return ({ childComplexity }: ComplexityEstimatorArgs): number => cost + childComplexity;
}

/** What the pre-walk reads from a document: the period in force at each field, and the metric read each field belongs to. */
export interface DocumentReads {
  periodDays: Map<FieldNode, number>;
  metricReads: Map<FieldNode, MetricFieldRead[]>;
}

/**
 * Walks the operation once: the period in force at every field (the `period` argument of the nearest ancestor having
 * one), and for every metric field of the query root its read (metric, period, filter, hours, percentiles), recorded
 * on it and on every field below it.
 */
export function readDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  rawVariables: Record<string, unknown>,
  maxPeriodDays: number,
): DocumentReads {
  const periodDays = new Map<FieldNode, number>();
  const metricReads = new Map<FieldNode, MetricFieldRead[]>();
  const out = { periodDays, metricReads };
  const operation = getOperationAST(document, operationName);
  const periodType = schema.getType('PeriodInput');
  if (!operation || !periodType || !isInputObjectType(periodType)) return out;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
  const variables = coerced.coerced ?? {};
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const queryType = operation.operation === 'query' ? schema.getQueryType() : undefined;

  const readPeriod = (value: unknown): Period => {
    const period = value as { from?: unknown; to?: unknown; timezone?: unknown } | undefined;
    const from = period?.from instanceof Date ? period.from.getTime() : NaN;
    const to = period?.to instanceof Date ? period.to.getTime() : NaN;
    const timezone = typeof period?.timezone === 'string' ? period.timezone : 'UTC';
    // An unreadable period fails in its resolver; until then it is charged as the longest allowed (as is one longer).
    if (!Number.isFinite(from) || !Number.isFinite(to)) return { from: new Date(0), to: new Date(maxPeriodDays * DAY_MS), timezone };
    return { from: new Date(from), to: new Date(Math.min(Math.max(from, to), from + maxPeriodDays * DAY_MS)), timezone };
  };
  const daysOf = (field: FieldNode): number | undefined => {
    const arg = field.arguments?.find((a) => a.name.value === 'period');
    if (!arg) return undefined;
    const p = readPeriod(valueFromAST(arg.value, periodType, variables));
    return (p.to.getTime() - p.from.getTime()) / DAY_MS;
  };
  /** True when the selection asks for any of `names`, directly (through fragments) or, with `deep`, anywhere below. */
  const selects = (set: SelectionSetNode | undefined, names: readonly string[], deep: boolean, seen = new Set<string>()): boolean =>
    !!set &&
    set.selections.some((s) => {
      if (s.kind === Kind.FIELD) return names.includes(s.name.value) || (deep && selects(s.selectionSet, names, deep, seen));
      if (s.kind === Kind.INLINE_FRAGMENT) return selects(s.selectionSet, names, deep, seen);
      if (seen.has(s.name.value)) return false;
      seen.add(s.name.value);
      return selects(fragments.get(s.name.value)?.selectionSet, names, deep, seen);
    });
  const metricReadOf = (field: FieldNode, parent: GraphQLNamedType | undefined): MetricFieldRead | undefined => {
    const metric = metricByNameOrNull(field.name.value);
    if (!metric || !queryType || parent !== queryType) return undefined;
    const definition = queryType.getFields()[field.name.value];
    let args: Record<string, unknown> = {};
    try {
      args = getArgumentValues(definition, field, variables);
    } catch {
      // Bad arguments fail in validation or the resolver; the read is charged with what could be read.
    }
    const filter: SegmentFilter = {};
    for (const d of metric.dimensions) {
      const values = args[d];
      if (Array.isArray(values) && values.length) filter[d] = values as string[];
    }
    return {
      metric,
      period: readPeriod(args.period),
      filter: normaliseFilter(filter),
      hours: args.hours === 'business' ? 'business' : 'calendar',
      percentiles: selects(field.selectionSet, PERCENTILE_READERS, true),
      selectsTotal: selects(field.selectionSet, TOTAL_READERS, false),
    };
  };
  const record = (field: FieldNode, read: MetricFieldRead) => {
    const list = metricReads.get(field);
    if (!list) metricReads.set(field, [read]);
    else if (!list.includes(read)) list.push(read);
  };

  const walk = (
    selectionSet: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    days: number | undefined,
    read: MetricFieldRead | undefined,
    activeFragments: ReadonlySet<string>,
  ): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const here = daysOf(selection) ?? days;
        if (here !== undefined) periodDays.set(selection, Math.max(periodDays.get(selection) ?? 0, here));
        const own = read ?? metricReadOf(selection, parent);
        if (own) record(selection, own);
        const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[selection.name.value] : undefined;
        if (selection.selectionSet) walk(selection.selectionSet, definition ? getNamedType(definition.type) : undefined, here, own, activeFragments);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        walk(selection.selectionSet, type ?? undefined, days, read, activeFragments);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (fragment && !activeFragments.has(name)) {
          walk(
            fragment.selectionSet,
            schema.getType(fragment.typeCondition.name.value) ?? undefined,
            days,
            read,
            new Set([...activeFragments, name]),
          );
        }
      }
    }
  };
  walk(operation.selectionSet, queryType ?? undefined, undefined, undefined, new Set());

  return out;
}

/** The settings the estimate depends on. */
export type CostSettings = Pick<Config, 'MAX_PERIOD_DAYS' | 'METRIC_ROLLUPS' | 'ROLLUP_TIMEZONE'>;

/**
 * The estimated cost of an operation for a caller of this scope (a scope can send a read to the raw tables); throws
 * a GraphQLError for variables that do not fit their types.
 */
export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  variables: Record<string, unknown>,
  config: CostSettings,
  scope: Scope = null,
): number {
  const reads = readDocument(schema, document, operationName, variables, config.MAX_PERIOD_DAYS);
  const context: CostContext = {
    ...reads,
    maxPeriodDays: config.MAX_PERIOD_DAYS,
    readSettings: { rollups: { enabled: config.METRIC_ROLLUPS === 'on', timezone: config.ROLLUP_TIMEZONE }, scope },
    chargedStatements: new Set(),
  };
  return getComplexity({
    schema,
    query: document,
    operationName,
    variables,
    context,
    estimators: [introspectionEstimator, fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
}
