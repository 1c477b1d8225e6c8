import type { FactSource } from './fact-sources';
import { marksColumnOf, marksSql } from './rollup-percentiles';
import { agentMessageCount, conversationCount, handleSecondsSum, slaTarget, TICKET_MESSAGES, type SlaTargetColumn } from './ticket-expressions';
import { percentFlag, secondsBetween } from './sql-fragments';

/**
 * Where a measure's row expressions are evaluated (the fact row's alias is `f`). A query reads a period's rows and looks
 * up a ticket's message counts and SLA target with a subquery each; the rollup build reads every row and joins both
 * once (ticketMessagesJoin, SLA_TARGETS_JOIN). Elapsed time is on the calendar or in business hours (queries only).
 */
export interface RowContext {
  elapsed(start: string, end: string): string;
  readonly ticketMessages: { readonly agent: string; readonly conversation: string; readonly handleSeconds: string };
  slaTarget(column: SlaTargetColumn): string;
}

type RowSql = (c: RowContext) => string;

interface MeasureBase {
  /** Its name, which is also its rollup column (or the prefix of its columns). */
  readonly name: string;
  /** What it counts or sums, in words (docs/rollups.md). */
  readonly description: string;
  readonly source: FactSource;
  /** The attribution event (a key of the source's events) whose rows it aggregates. */
  readonly event: string;
  /** The rows it aggregates among those attributed (default every one). */
  readonly filter?: RowSql;
}

/** How many rows (with `of`: where `of` is not null). */
export interface CountMeasure extends MeasureBase {
  readonly kind: 'count';
  readonly of?: RowSql;
}

/** The sum of a per-row quantity. */
export interface SumMeasure extends MeasureBase {
  readonly kind: 'sum';
  readonly expr: RowSql;
  /** The rollup column's type (format_type spelling), when not numeric. */
  readonly type?: 'double precision';
}

/**
 * The rows' durations themselves, for exact percentiles: a percentile does not add up from sub-totals, but its inputs
 * concatenate. Not a total: metrics read it for their median and p90 only.
 */
export interface ValuesMeasure extends MeasureBase {
  readonly kind: 'values';
  readonly expr: RowSql;
}

/**
 * Rows (`filter`: still pending) that become counted once `target` seconds have passed since their creation, at query
 * time. The rollups keep their deadlines, and the latest of them, so a query counts those already past.
 */
export interface DueMeasure extends MeasureBase {
  readonly kind: 'due';
  readonly target: RowSql;
}

export type Measure = CountMeasure | SumMeasure | ValuesMeasure | DueMeasure;
/** Measures whose total over a set of rows is a number (what metric formulas combine). */
export type TotalMeasure = CountMeasure | SumMeasure | DueMeasure;

export const countMeasure = (m: Omit<CountMeasure, 'kind'>): CountMeasure => ({ kind: 'count', ...m });
export const sumMeasure = (m: Omit<SumMeasure, 'kind'>): SumMeasure => ({ kind: 'sum', ...m });
export const valuesMeasure = (m: Omit<ValuesMeasure, 'kind'>): ValuesMeasure => ({ kind: 'values', ...m });
export const dueMeasure = (m: Omit<DueMeasure, 'kind'>): DueMeasure => ({ kind: 'due', ...m });

/** A query's row context: subqueries per ticket, elapsed time as the request measures it. */
export function queryRowContext(elapsed: RowContext['elapsed']): RowContext {
  return { elapsed, ticketMessages: { agent: agentMessageCount, conversation: conversationCount, handleSeconds: handleSecondsSum }, slaTarget };
}

/** The rollup build's row context: the joins of its events, calendar seconds. */
export const ROLLUP_ROW_CONTEXT: RowContext = { elapsed: secondsBetween, ticketMessages: TICKET_MESSAGES, slaTarget: (column) => `sla.${column}` };

const and = (...conditions: (string | undefined)[]) => {
  const present = conditions.filter((c): c is string => Boolean(c));
  return present.length > 1 ? present.map((c) => `(${c})`).join(' AND ') : (present[0] ?? 'TRUE');
};
const pendingDeadline = (m: DueMeasure, c: RowContext) => `f.created_at + ${m.target(c)} * interval '1 second'`;

/** The condition a row meets to count in a count or due measure, at query time. */
export function countedRow(m: CountMeasure | DueMeasure, c: RowContext): string {
  if (m.kind === 'due') return and(m.filter?.(c), `${c.elapsed('f.created_at', 'now()')} > ${m.target(c)}`);
  return and(m.filter?.(c), m.of && `${m.of(c)} IS NOT NULL`);
}

/** A measure's total over the raw rows attributed to a period (`inPeriod`), in a query. */
export function queryTotal(m: TotalMeasure, inPeriod: string, c: RowContext): string {
  const rows = (condition?: string) => `FILTER (WHERE ${inPeriod}${condition ? ` AND (${condition})` : ''})`;
  switch (m.kind) {
    case 'count':
      return `count(${m.of?.(c) ?? '*'}) ${rows(m.filter?.(c))}`;
    case 'sum':
      // Of the rollup column's type, so that both paths divide alike (a sum of integers divided by a count would not).
      return `(sum(${m.expr(c)}) ${rows(m.filter?.(c))})::${m.type ?? 'numeric'}`;
    case 'due':
      return `count(*) ${rows(countedRow(m, c))}`;
  }
}

/** A measure's total over the selected rollup rows (alias `r`). */
export function rollupTotal(m: TotalMeasure): string {
  if (m.kind !== 'due') return `sum(r.${m.name})`;
  // Pending deadlines usually all lie in the past (or all in the future); only a mixed row looks at each deadline.
  const [deadlines, last] = dueColumns(m);
  return `sum(CASE WHEN r.${last} IS NULL THEN 0
    WHEN r.${last} < now() THEN cardinality(r.${deadlines})
    ELSE (SELECT count(*) FROM unnest(r.${deadlines}) d WHERE d < now()) END)`;
}

const dueColumns = (m: DueMeasure) => [`${m.name}_deadlines`, `${m.name}_last`] as const;

interface RollupColumnBase {
  readonly column: string;
  readonly event: string;
  /** Its type, as format_type() spells it. */
  readonly type: string;
  /**
   * How PostgreSQL stores large values of the column, when not its type's default: `external` keeps them out of line
   * uncompressed.
   */
  readonly storage?: 'external';
}

/** One column of a rollup, as the rollup build fills it from the raw fact rows `f` attributed by `event`. */
export interface AggregatedRollupColumn extends RollupColumnBase {
  /** The aggregate over an hour's rows. */
  readonly aggregate: string;
  /** How the hours of a day combine into the daily row. */
  readonly merge: 'sum' | 'max' | 'concat' | 'sorted';
  readonly dailyFrom?: undefined;
}

/**
 * A column of the daily rows only, computed from another column of the same row once that one is merged (`sql` maps
 * the merged value's expression to this column's); the hourly rows have no such column.
 */
export interface DerivedRollupColumn extends RollupColumnBase {
  readonly dailyFrom: { readonly column: string; readonly sql: (merged: string) => string };
}

export type RollupColumn = AggregatedRollupColumn | DerivedRollupColumn;

/** The columns filled by aggregating fact rows (hourly) and merging hours (daily), without the derived ones. */
export const aggregatedColumns = (columns: readonly RollupColumn[]) => columns.filter((c): c is AggregatedRollupColumn => !c.dailyFrom);

/** The rollup columns holding a measure. */
export function rollupColumns(m: Measure): RollupColumn[] {
  const c = ROLLUP_ROW_CONTEXT;
  const where = (...conditions: (string | undefined)[]) => (conditions.some(Boolean) ? ` FILTER (WHERE ${and(...conditions)})` : '');
  const own = { event: m.event };
  switch (m.kind) {
    case 'count':
      return [{ ...own, column: m.name, type: 'bigint', aggregate: `count(${m.of?.(c) ?? '*'})${where(m.filter?.(c))}`, merge: 'sum' }];
    case 'sum':
      return [{ ...own, column: m.name, type: m.type ?? 'numeric', aggregate: `sum(${m.expr(c)})${where(m.filter?.(c))}`, merge: 'sum' }];
    case 'values': {
      const value = m.expr(c);
      // Sorted as float8 (how the raw percentiles order them): queries search the arrays, and equal facts give equal rows.
      const aggregate = `array_agg((${value})::float8 ORDER BY (${value})::float8)${where(`${value} IS NOT NULL`, m.filter?.(c))}`;
      // Uncompressed: a percentile reads a period's arrays three times, and decompressing them was most of that reading.
      return [
        { ...own, column: m.name, type: 'double precision[]', aggregate, merge: 'sorted', storage: 'external' },
        // A daily row's values at the ranks percentiles start from, small enough to stay in the row: the first pass of a
        // percentile reads these instead of the whole array.
        { ...own, column: marksColumnOf(m.name), type: 'double precision[]', dailyFrom: { column: m.name, sql: marksSql } },
      ];
    }
    case 'due': {
      const deadline = pendingDeadline(m, c);
      const [deadlines, last] = dueColumns(m);
      return [
        {
          ...own,
          column: deadlines,
          type: 'timestamp with time zone[]',
          aggregate: `array_agg(${deadline} ORDER BY ${deadline})${where(m.filter?.(c))}`,
          merge: 'concat',
        },
        { ...own, column: last, type: 'timestamp with time zone', aggregate: `max(${deadline})${where(m.filter?.(c))}`, merge: 'max' },
      ];
    }
  }
}

/**
 * A metric's value from measures: `value` combines their totals (`m(measure)` is one's SQL). The sample is the rows of
 * the listed count or due measures (disjoint): its size is their totals' sum, and `records` lists those rows.
 */
export interface MeasureFormula {
  readonly value: (m: (measure: TotalMeasure) => string) => string;
  readonly sample: readonly (CountMeasure | DueMeasure)[];
  /** A sample row's own quantity (default none); a rate's rows show 100 or 0. */
  readonly quantity?: RowSql;
  readonly quantityUnit?: 'SCORE';
  /** The durations of a duration metric: its median and p90. */
  readonly durations?: ValuesMeasure;
  /**
   * The mean of one quantity (a sum over the count of the same non-null values), computed as avg() on the raw rows so
   * that an expensive quantity (business seconds) is evaluated once per row.
   */
  readonly mean?: readonly [SumMeasure, CountMeasure];
}

/** A count of one measure's rows. */
export const countOfRows = (rows: CountMeasure): MeasureFormula => ({ value: (m) => m(rows), sample: [rows] });

/** The percentage of `of`'s rows that are also `part`'s (whose filter implies `of`'s). */
export const shareOf = (part: CountMeasure, of: CountMeasure, sample: Partial<MeasureFormula> = {}): MeasureFormula => ({
  value: (m) => `100.0 * ${m(part)} / nullif(${m(of)}, 0)`,
  sample: [of],
  quantity: (c) => percentFlag(and(part.filter?.(c), part.of && `${part.of(c)} IS NOT NULL`)),
  ...sample,
});

/** A ratio of two totals; the denominator's rows are the sample. */
export const ratioOf = (numerator: TotalMeasure, denominator: CountMeasure, sample: Partial<MeasureFormula> = {}): MeasureFormula => ({
  value: (m) => `${m(numerator)} / nullif(${m(denominator)}, 0)`,
  sample: [denominator],
  ...sample,
});

/** The mean of a quantity: its sum over the count of its non-null values (`count.of` is the sum's expression). */
export function meanOf(sum: SumMeasure, count: CountMeasure, more: Partial<MeasureFormula> = {}): MeasureFormula {
  if (count.of !== sum.expr || count.filter !== sum.filter) throw new Error(`${count.name} must count the non-null values of ${sum.name}`);
  return { ...ratioOf(sum, count), quantity: sum.expr, mean: [sum, count], ...more };
}

/** The measures a formula reads (its totals, its sample, its durations), each once. */
export function formulaMeasures(formula: MeasureFormula): Measure[] {
  const used = new Set<Measure>();
  formula.value((m) => (used.add(m), ''));
  for (const m of formula.sample) used.add(m);
  if (formula.durations) used.add(formula.durations);
  return [...used];
}
