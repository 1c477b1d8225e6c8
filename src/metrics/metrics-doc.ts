import { dimensionSetName } from './dimensions';
import { isDuration, type MetricDefinition } from './metric-definition';
import { METRICS } from './registry';

const SECTIONS: { title: string; set: string }[] = [
  { title: 'Ticket metrics', set: 'Ticket' },
  { title: 'Survey metrics', set: 'Survey' },
  { title: 'Customer and revenue metrics', set: 'Customer' },
  { title: 'Agent metrics', set: 'Agent' },
];

function row(m: MetricDefinition): string {
  const cells = [
    `\`${m.name}\``,
    m.title,
    m.formula.replaceAll('|', '\\|'),
    m.unit.toLowerCase() + (isDuration(m) ? ' (with median, p90)' : ''),
    m.direction.toLowerCase().replaceAll('_', ' '),
    m.kind.toLowerCase(),
    m.indicator.toLowerCase(),
    m.dimensions.join(', '),
  ];
  return `| ${cells.join(' | ')} |`;
}

/** docs/metrics.md, rendered from the metric registry. */
export function renderMetricsDoc(metrics: readonly MetricDefinition[] = METRICS): string {
  const out = [
    '# Metrics',
    '',
    '<!-- Generated from src/metrics/*-metrics.ts by `npm run schema`. Do not edit: a test fails when this file is stale. -->',
    '',
    'Every metric is a field of the GraphQL `Query` type taking a `period` (half-open, `from <= t < to`) and the segment',
    'filters of its dimensions (lists, combined with AND; channel and priority as enums, e.g. `channel: [CHAT]`). Each',
    'result has `value` (null when no record qualifies, 0 for counts and sums), `unit`, `sampleSize`, `series(granularity,',
    'timezone)`, `breakdown(by)` and `comparison` (previous period of equal length); durations also have `median` and `p90`.',
    'Durations are in seconds and percentages run 0–100. Messages written by bots are ignored by every metric.',
    'The acceptance test (test/metrics/acceptance.test.ts) reproduces independently computed values of every metric.',
    '',
  ];
  for (const section of SECTIONS) {
    const ms = metrics.filter((m) => dimensionSetName(m.dimensions) === section.set);
    if (!ms.length) continue;
    out.push(`## ${section.title}`, '');
    out.push('| name | title | definition | unit | direction | kind | indicator | dimensions |');
    out.push('|---|---|---|---|---|---|---|---|');
    out.push(...ms.map(row), '');
  }
  return out.join('\n');
}
