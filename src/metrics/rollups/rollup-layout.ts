import type { MetricDefinition } from '../metric-definition';
import { rollupColumns, type Measure, type RollupColumn } from '../measures';
import { ROLLUP_TABLES, type RollupTable } from './rollup-tables';

/** A rollup table with its measure columns: those of the measures the registry's metrics read from it. */
export interface RollupLayout {
  readonly table: RollupTable;
  readonly columns: readonly RollupColumn[];
}

/** The columns every rollup row has besides its measures (hourly `hour`, daily `day` and `dims`). */
export const keyColumns = (table: RollupTable) => ['hour', 'day', 'event', 'dims', ...table.dimensions];

/**
 * The rollups' columns, derived from the metrics' measures: each measure once (by name; two different measures may not
 * share one), grouped by event in the table's order, in the order the metrics first read them.
 */
export function rollupLayouts(metrics: readonly MetricDefinition[]): RollupLayout[] {
  return ROLLUP_TABLES.map((table) => {
    const measures = new Map<string, Measure>();
    for (const metric of metrics) {
      if (metric.rollup?.table !== table) continue;
      for (const measure of metric.rollup.measures) {
        const seen = measures.get(measure.name);
        if (seen && JSON.stringify(rollupColumns(seen)) !== JSON.stringify(rollupColumns(measure))) {
          throw new Error(`${metric.name}: another measure of ${table.name} is already named ${measure.name}`);
        }
        if (!table.events.includes(measure.event)) throw new Error(`${metric.name}: ${table.name} has no event ${measure.event}`);
        measures.set(measure.name, seen ?? measure);
      }
    }
    const columns = [...measures.values()].flatMap(rollupColumns).sort((a, b) => table.events.indexOf(a.event) - table.events.indexOf(b.event));
    const clash = columns.find((c) => keyColumns(table).includes(c.column));
    if (clash) throw new Error(`measure column ${clash.column} of ${table.name} clashes with a key column`);
    return { table, columns };
  });
}
