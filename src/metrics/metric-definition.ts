import type { Dimension } from './dimensions';
import type { FactSource } from './fact-sources';
import type { RollupSql } from './rollups/rollup-tables';

export const UNITS = ['COUNT', 'SECONDS', 'PERCENT', 'SCORE', 'CURRENCY', 'RATIO'] as const;
export type Unit = (typeof UNITS)[number];

export const DIRECTIONS = ['HIGHER_IS_BETTER', 'LOWER_IS_BETTER', 'NEUTRAL'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const METRIC_KINDS = ['QUANTITATIVE', 'QUALITATIVE'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

/** Whether elapsed times run on the calendar or only during a business calendar's opening hours. */
export const HOURS_MODES = ['calendar', 'business'] as const;
export type HoursMode = (typeof HOURS_MODES)[number];

/** What metric SQL may depend on besides the fact row: how elapsed time between two instants is measured. */
export interface SqlContext {
  /** Seconds from `start` to `end` (SQL expressions), on the calendar or in business hours per the request. */
  elapsed(start: string, end: string): string;
}

export const INDICATORS = ['LEADING', 'LAGGING'] as const;
export type Indicator = (typeof INDICATORS)[number];

/**
 * SQL of an event-attributed metric: each fact row counts in the bucket its attribution event falls in. `inPeriod` is
 * the SQL condition "this row's attribution event is the one being aggregated"; each aggregate restricts itself with it
 * (FILTER (WHERE …)), which is what lets many metrics of one fact source share one statement.
 */
export interface EventAggregateSql {
  readonly kind: 'event';
  /** Attribution event (a key of the fact source's events). */
  readonly event: string;
  /** Aggregate SQL of the value. */
  readonly value: (inPeriod: string, ctx: SqlContext) => string;
  /** Aggregate SQL of the sample size (the denominator's count). */
  readonly sampleSize: (inPeriod: string, ctx: SqlContext) => string;
  /** Per-row duration in seconds (null when the row has none), for a duration metric's median and p90. */
  readonly duration?: (ctx: SqlContext) => string;
}

/**
 * SQL of a metric evaluated per bucket rather than per event (a state at an instant, or a ratio of populations at the
 * bucket's start and end). Each part is a set of aggregates over one fact source, computed once per bucket (and segment);
 * they may use the bucket bounds `b.start_at` and `b.end_at` (timestamptz). Parts of all such metrics on the same source
 * are computed together.
 */
export interface PerBucketSql {
  readonly kind: 'perBucket';
  readonly parts: readonly { readonly source: FactSource; readonly aggregates: Readonly<Record<string, string>> }[];
  /** Value SQL from the parts' aggregates; `part(alias)` names an aggregate's column. */
  readonly value: (part: (alias: string) => string) => string;
  readonly sampleSize: (part: (alias: string) => string) => string;
}

export type MetricSql = EventAggregateSql | PerBucketSql;

/** One metric of the catalogue: everything the schema, the catalogue query, the docs and the SQL are derived from. */
export interface MetricDefinition {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** The definition in words, as in docs/metrics.md. */
  readonly formula: string;
  readonly unit: Unit;
  readonly direction: Direction;
  readonly kind: MetricKind;
  readonly indicator: Indicator;
  /** The fact source whose dimensions the metric accepts (and whose family of result types it belongs to). */
  readonly source: FactSource;
  /** Dimensions the metric accepts as filters and breakdowns; each one must exist on every source the SQL reads. */
  readonly dimensions: readonly Dimension[];
  /** Value when no record qualifies: 0 for counts and sums, null otherwise. */
  readonly emptyValue: 0 | null;
  /** True when the metric measures elapsed time and so accepts `hours: BUSINESS`. */
  readonly elapsedTime?: boolean;
  readonly sql: MetricSql;
  /** The same value and sample size from an hourly rollup, used when a query's shape allows (rollup-eligibility.ts). */
  readonly rollup?: RollupSql;
}

/** True for metrics whose result also carries a median and a 90th percentile. */
export function isDuration(metric: MetricDefinition): boolean {
  return metric.sql.kind === 'event' && metric.sql.duration !== undefined;
}
