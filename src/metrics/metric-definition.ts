import type { Dimension } from './dimensions';
import type { FactSource } from './fact-sources';
import type { MeasureFormula } from './measures';
import type { RollupSql } from './rollups/rollup-tables';
import { countIn } from './sql-fragments';

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
 * The records behind an event-attributed value, row by row: of the fact rows attributed to the period, those meeting
 * `where`. Declared once, so the sample size (a count of them) and the records listed for it cannot disagree.
 */
export interface EventSample {
  /** The condition an attributed fact row must meet to count in the sample (default: every attributed row). */
  readonly where?: (ctx: SqlContext) => string;
  /** The row's own quantity (a duration, a score, an amount; 100 or 0 for a rate's condition); none when absent. */
  readonly quantity?: (ctx: SqlContext) => string;
  /** The unit of `quantity` when it is not the metric's own (a CSAT score behind a percentage). */
  readonly quantityUnit?: Unit;
}

/**
 * The records behind a per-bucket value: the rows of `source` meeting `where` in the bucket (bounds `b.start_at`,
 * `b.end_at`); the sample size is their count, and `records` lists them over the whole period as one bucket.
 */
export interface PerBucketSample {
  readonly source: FactSource;
  readonly where: string;
  /** The row's time the records are ordered by (non-null). */
  readonly at: string;
  readonly quantity?: string;
  readonly quantityUnit?: Unit;
}

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
  /** The rows the value is computed from; the sample size counts them (sampleSizeSql) and `records` lists them. */
  readonly sample: EventSample;
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
  /** The sample: its count is the sample size (an aggregate over its source added next to the parts'). */
  readonly sample: PerBucketSample;
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
  /** The formula over measures a metric that decomposes into sums is defined by: `sql` and `rollup` compile from it (measured()). */
  readonly measures?: MeasureFormula;
  readonly sql: MetricSql;
  /** The same value and sample size from an hourly rollup, used when a query's shape allows (rollup-eligibility.ts). */
  readonly rollup?: RollupSql;
  /** Why a metric has no measures (and so no rollup): what keeps it from decomposing into sums over its rows. */
  readonly rawOnly?: string;
}

/** True for metrics whose result also carries a median and a 90th percentile. */
export function isDuration(metric: MetricDefinition): boolean {
  return metric.sql.kind === 'event' && metric.sql.duration !== undefined;
}

/** Aggregate SQL of an event metric's sample size: its sample rows among those `inPeriod`. */
export function eventSampleSize(sql: EventAggregateSql, inPeriod: string, ctx: SqlContext): string {
  return countIn(inPeriod, sql.sample.where?.(ctx));
}
