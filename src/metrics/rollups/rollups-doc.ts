import type { Measure } from '../measures';
import type { MetricDefinition } from '../metric-definition';
import { METRICS } from '../registry';
import { rollupLayouts } from './rollup-layout';

const START = '<!-- rollups:start -->';
const END = '<!-- rollups:end -->';

const code = (names: readonly string[]) => names.map((n) => `\`${n}\``).join(', ');

/** What a measure's column holds, in words. */
function holds(m: Measure): string {
  switch (m.kind) {
    case 'count':
      return `count of ${m.description}`;
    case 'sum':
      return `sum of ${m.description}`;
    case 'values':
      return `the ${m.description} themselves (for median and p90)`;
    case 'due':
      return `deadlines of ${m.description} (\`${m.name}_deadlines\`, the latest in \`${m.name}_last\`)`;
  }
}

/** docs/rollups.md's generated tables: the rollups, their measure columns and the metrics they answer, and the metrics read raw. */
export function renderRollupsTables(metrics: readonly MetricDefinition[] = METRICS): string {
  const layouts = rollupLayouts(metrics);
  const answered = (table: string) => metrics.filter((m) => m.rollup?.table.name === table).map((m) => m.name);
  const tables = layouts.map(
    ({ table }) =>
      `| \`${table.name}\` | ${code(table.events)} | ${code(table.dimensions)} | ${code(table.subtotalDimensions)} | ${answered(table.name).join(', ')} |`,
  );
  const measures = layouts.flatMap(({ table }) => {
    const seen = new Map<string, Measure>();
    for (const m of metrics)
      if (m.rollup?.table === table) for (const measure of m.rollup.measures) if (!seen.has(measure.name)) seen.set(measure.name, measure);
    return [...seen.values()]
      .sort((a, b) => table.events.indexOf(a.event) - table.events.indexOf(b.event))
      .map((measure) => {
        const readers = metrics
          .filter((m) => m.rollup?.measures.some((x) => x.name === measure.name && x.source === measure.source))
          .map((m) => m.name);
        return `| \`${table.name}\` | \`${measure.name}\` | ${measure.event} | ${holds(measure)} | ${readers.join(', ')} |`;
      });
  });
  const raw = metrics.filter((m) => !m.rollup).map((m) => `| ${m.name} | ${m.rawOnly ?? `measures over ${m.source.name}, which have no rollup`} |`);
  return [
    START,
    '| rollup | events (a row’s `event`) | segment columns | daily subtotals over | metrics answered from it |',
    '|---|---|---|---|---|',
    ...tables,
    '',
    'Its columns, one per measure the metrics read (two for a `due` measure):',
    '',
    '| rollup | column | event | holds | read by |',
    '|---|---|---|---|---|',
    ...measures,
    '',
    'Metrics read from the raw rows only:',
    '',
    '| metric | why |',
    '|---|---|',
    ...raw,
    END,
  ].join('\n');
}

/** The document with its generated tables replaced by the current ones; throws when the markers are missing. */
export function withRollupsTables(doc: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`docs/rollups.md lacks the ${START} … ${END} markers`);
  return doc.slice(0, start) + renderRollupsTables() + doc.slice(end + END.length);
}
