import type { EventAggregateSql, MetricDefinition, SqlContext } from './metric-definition';
import { countedRow, formulaMeasures, queryRowContext, queryTotal, type MeasureFormula } from './measures';
import { rollupTableOf } from './rollups/rollup-tables';

/**
 * A metric defined by measures: its raw SQL and, when its fact source has a rollup, its rollup SQL, both compiled from
 * the one formula (spread into the registry entry). The rollup's columns follow from the measures (rollup-layout.ts).
 */
export function measured(formula: MeasureFormula): Pick<MetricDefinition, 'measures' | 'sql' | 'rollup'> {
  const used = formulaMeasures(formula);
  const { source, event } = used[0];
  const stray = used.find((m) => m.source !== source || m.event !== event);
  if (stray) throw new Error(`measure ${stray.name} is not of ${used[0].name}'s source and event`);
  const rows = (c: SqlContext) => queryRowContext(c.elapsed);
  // The sample's rows: those of any of its measures (every attributed row when one of them counts them all).
  const everyRow = formula.sample.some((m) => m.kind === 'count' && !m.filter && !m.of);
  const { mean, quantity, durations } = formula;
  const sql: EventAggregateSql = {
    kind: 'event',
    event,
    value: (p, c) =>
      mean
        ? `avg(${mean[0].expr(rows(c))}) FILTER (WHERE ${p}${mean[0].filter ? ` AND (${mean[0].filter(rows(c))})` : ''})`
        : formula.value((m) => queryTotal(m, p, rows(c))),
    sample: {
      ...(!everyRow && { where: (c: SqlContext) => formula.sample.map((m) => `(${countedRow(m, rows(c))})`).join(' OR ') }),
      ...(quantity && { quantity: (c: SqlContext) => quantity(rows(c)) }),
      ...(formula.quantityUnit && { quantityUnit: formula.quantityUnit }),
    },
    ...(durations && { duration: (c: SqlContext) => durations.expr(rows(c)) }),
  };
  const table = rollupTableOf(source);
  return {
    measures: formula,
    sql,
    ...(table && {
      rollup: {
        table,
        measures: used,
        value: (total) => formula.value(total),
        sampleSize: (total) => (formula.sample.length === 1 ? total(formula.sample[0]) : `(${formula.sample.map(total).join(' + ')})`),
        ...(durations && { values: durations.name }),
      },
    }),
  };
}
