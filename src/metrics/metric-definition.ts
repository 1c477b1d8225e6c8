import type { Dimension } from './dimensions';
import type { FactSource } from './fact-sources';

export const UNITS = ['COUNT', 'SECONDS', 'PERCENT', 'SCORE', 'CURRENCY', 'RATIO'] as const;
export type Unit = (typeof UNITS)[number];

export const DIRECTIONS = ['HIGHER_IS_BETTER', 'LOWER_IS_BETTER', 'NEUTRAL'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const METRIC_KINDS = ['QUANTITATIVE', 'QUALITATIVE'] as const;
export type MetricKind = (typeof METRIC_KINDS)[number];

export const INDICATORS = ['LEADING', 'LAGGING'] as const;
export type Indicator = (typeof INDICATORS)[number];

/**
 * SQL of an event-attributed metric. `inPeriod` is the SQL condition "this row's attribution event lies in the bucket
 * being aggregated"; each aggregate must restrict itself with it (FILTER (WHERE …)), which is what lets many metrics of one
 * fact source share one statement.
 */
export interface EventAggregateSql {
  /** Attribution event (a key of the fact source's events). */
  readonly event: string;
  /** Aggregate SQL of the value; null when there is no data (except counts, see emptyValue). */
  readonly value: (inPeriod: string) => string;
  /** Aggregate SQL of the sample size (the denominator's count). */
  readonly sampleSize: (inPeriod: string) => string;
  /** The per-row duration expression (seconds) of a duration metric, for its median and p90. */
  readonly duration?: string;
}

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
  readonly source: FactSource;
  /** Dimensions the metric accepts as filters and breakdowns; a subset of its source's dimensions. */
  readonly dimensions: readonly Dimension[];
  /** Value when no record qualifies: 0 for counts and sums, null otherwise. */
  readonly emptyValue: 0 | null;
  readonly sql: EventAggregateSql;
}
