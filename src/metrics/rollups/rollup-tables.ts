import type { Dimension } from '../dimensions';
import { AGENT_MESSAGES, SURVEYS, TICKETS, type FactSource } from '../fact-sources';
import type { Measure, TotalMeasure } from '../measures';
import { SLA_TARGETS_JOIN, ticketMessagesJoin } from '../ticket-expressions';

/**
 * An hourly rollup of one fact source: per UTC hour, attribution event and combination of segment values, the totals of
 * the measures its metrics read (its columns, derived from the registry: rollup-layout.ts). Rows are rebuilt from the
 * raw tables for the hours a write touches (see rollup-refresh.ts). Its daily twin (`<name>_daily`, column `day`: local
 * midnight in ROLLUP_TIMEZONE) sums those hours per local day.
 */
export interface RollupTable {
  readonly name: string;
  readonly source: FactSource;
  /** Segment dimensions held as columns named after them; queries filtering or grouping on others read the raw tables. */
  readonly dimensions: readonly Dimension[];
  /**
   * The dimensions the daily subtotal rows are formed over (every subset of them): a query on others reads the rows
   * holding every dimension. Fewer subtotals, a cheaper refresh: each subset's rows are written and indexed.
   */
  readonly subtotalDimensions: readonly Dimension[];
  /** Attribution events of the source; a row's `event` column is the event's position in this list. */
  readonly events: readonly string[];
  /**
   * Joins added to the source for one event's rows, computing per-fact values the measures share once per row (what
   * ROLLUP_ROW_CONTEXT names; the same values as the queries' subqueries, which the rollup-equals-raw test holds them to).
   */
  readonly eventJoins?: Readonly<Record<string, (everyRow: boolean) => string>>;
}

/** Tickets by the hour of their creation, first response and resolution. */
export const TICKET_ROLLUP: RollupTable = {
  name: 'ticket_rollup',
  source: TICKETS,
  dimensions: ['channel', 'product', 'tier', 'priority'],
  // Dashboards slice by channel, product and tier; priority filters are rarer and read the finest rows.
  subtotalDimensions: ['channel', 'product', 'tier'],
  events: ['created', 'firstResponse', 'resolved'],
  eventJoins: { created: () => SLA_TARGETS_JOIN, resolved: ticketMessagesJoin },
};

/** Agent replies by the hour they were sent. */
export const MESSAGE_ROLLUP: RollupTable = {
  name: 'message_rollup',
  source: AGENT_MESSAGES,
  dimensions: ['channel', 'product', 'tier', 'priority'],
  subtotalDimensions: ['channel', 'product', 'tier'],
  events: ['sent'],
};

/** Survey responses by the hour they were given. */
export const SURVEY_ROLLUP: RollupTable = {
  name: 'survey_rollup',
  source: SURVEYS,
  dimensions: ['channel', 'product', 'tier'],
  subtotalDimensions: ['channel', 'product', 'tier'],
  events: ['responded'],
};

export const ROLLUP_TABLES: readonly RollupTable[] = [TICKET_ROLLUP, MESSAGE_ROLLUP, SURVEY_ROLLUP];

/**
 * The `dims` mask of the daily rows holding exactly these segment columns (the others summed away): of n dimensions, bit
 * n−1−i stands for the table's i-th, as GROUPING() numbers its arguments.
 */
export function dimsMask(table: RollupTable, held: Iterable<Dimension>): number {
  const n = table.dimensions.length;
  let mask = 0;
  for (const d of held) {
    const i = table.dimensions.indexOf(d);
    if (i < 0) throw new Error(`${table.name} has no dimension ${d}`);
    mask |= 1 << (n - 1 - i);
  }
  return mask;
}

/** The mask of the daily rows holding every segment column. */
export const allDims = (table: RollupTable) => (1 << table.dimensions.length) - 1;

/** The masks of the daily subtotal rows: every subset of the subtotal dimensions (the full rows excepted). */
export function subtotalMasks(table: RollupTable): number[] {
  const within = dimsMask(table, table.subtotalDimensions);
  const masks: number[] = [];
  for (let mask = 0; mask < allDims(table); mask++) if ((mask & within) === mask) masks.push(mask);
  return masks;
}

/** The mask of the daily rows a statement holding these dimensions (filtered or broken down) reads: the fewest rows. */
export function dailyRowsFor(table: RollupTable, held: Iterable<Dimension>): number {
  const mask = dimsMask(table, held);
  return subtotalMasks(table).includes(mask) ? mask : allDims(table);
}

/** The rollup of a fact source, if it has one. */
export const rollupTableOf = (source: FactSource): RollupTable | undefined => ROLLUP_TABLES.find((t) => t.source === source);

/**
 * How a metric is computed from a rollup (compiled from its measures): value and sample size from the totals of the
 * measures over the selected rows (`total(measure)`, SQL over rows `r`).
 */
export interface RollupSql {
  readonly table: RollupTable;
  /** The measures it reads: the rollup holds a column (or two) for each. */
  readonly measures: readonly Measure[];
  readonly value: (total: (measure: TotalMeasure) => string) => string;
  readonly sampleSize: (total: (measure: TotalMeasure) => string) => string;
  /** A duration metric's column holding its rows' durations: its median and p90 from the rollup. */
  readonly values?: string;
}
