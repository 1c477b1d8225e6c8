import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'sql-formatter';
import { projectRoot } from '../config/project-root';
import type { SegmentFilter } from './dimensions';
import { previousPeriod } from './comparison';
import type { HoursMode, MetricDefinition } from './metric-definition';
import { buildMetricQueries, statementFamily, type StatementGrouping } from './metric-query';
import type { Period } from './period';
import { buildRecordQueries } from './record-query';
import { metricByName } from './registry';
import { rebuildFunctionSql, refreshFunctionSql } from './rollups/rollup-refresh';
import { assertMetricInScope, assertSourceHonoursScope, effectiveFilter, type Scope } from './scope';

/**
 * Representative statements of the metric layer, rendered as committed SQL files (sql/metrics/*.sql, written by
 * `npm run schema`): a change to the SQL generators shows in review as a diff of the SQL it produces. Every input is
 * fixed (dates, filters, zones), so the files change only when the generated SQL does; statements are laid out by a
 * formatter (pinned: a new version would rewrite every file), so a change in the generators' whitespace alone does not
 * show. sql-formatter is a development dependency: only the `schema` command and the tests load this module.
 */

/** Where the snapshots are committed. */
export const SQL_SNAPSHOT_DIR = join(projectRoot(), 'sql', 'metrics');

/** One statement as the API would send it. */
export interface SnapshotStatement {
  name: string;
  sql: string;
  params: unknown[];
  /** False for PL/pgSQL, which the generator lays out itself (the formatter would only reflow its header). */
  format?: boolean;
}

/** One snapshot file: what it shows and how its statements are built. */
export interface SnapshotCase {
  /** File name under sql/metrics/, without `.sql`. */
  file: string;
  title: string;
  description: string;
  statements(): SnapshotStatement[];
}

/** The metrics of the benchmark's dashboard (bench/dashboard.ts), whose statements the dashboard cases snapshot. */
export const SNAPSHOT_DASHBOARD_METRICS = [
  'ticketVolume',
  'firstResponseTime',
  'averageResolutionTime',
  'firstContactResolutionRate',
  'slaComplianceResolution',
  'slaComplianceFirstResponse',
  'abandonmentRate',
  'escalationRate',
  'reopenRate',
  'averageHandleTime',
  'csat',
  'nps',
] as const;

const period = (from: string, to: string, timezone = 'UTC'): Period => ({ from: new Date(from), to: new Date(to), timezone });

/** 90 local days of UTC, as the benchmark's dashboard asks (daily rollup rows). */
const NINETY_DAYS = period('2025-03-01T00:00:00Z', '2025-05-30T00:00:00Z');
/** Whole UTC hours but not midnights: read from the hourly rollup rows. */
const WHOLE_HOURS = period('2025-03-03T09:00:00Z', '2025-03-10T17:00:00Z');
const MONTH = period('2025-03-01T00:00:00Z', '2025-04-01T00:00:00Z');
const QUARTER = period('2025-01-01T00:00:00Z', '2025-04-01T00:00:00Z');

interface MetricsRequest {
  /** Prefixes the statements' names where a file holds several requests. */
  label?: string;
  metrics: readonly string[];
  period: Period;
  filter?: SegmentFilter;
  groupings: readonly StatementGrouping[];
  /** Also the total over the previous period of equal length (a comparison). */
  previous?: boolean;
  hours?: HoursMode;
  percentiles?: boolean;
  rollups: boolean;
  scope?: Scope;
}

/**
 * The statements answering a request as the metric loaders build them: one statement group per statement family,
 * the filter intersected with the caller's scope, a comparison's previous period passed along as another period's total
 * (it shares the statement of a rollup read, and gets its own on the raw tables).
 */
function metricStatements(r: MetricsRequest): SnapshotStatement[] {
  const scope = r.scope ?? null;
  const families = new Map<string, MetricDefinition[]>();
  for (const name of r.metrics) {
    const metric = metricByName(name);
    assertMetricInScope(metric, scope);
    const sources = metric.sql.kind === 'event' ? [metric.source] : metric.sql.parts.map((p) => p.source);
    sources.forEach((s) => assertSourceHonoursScope(s, scope));
    const family = statementFamily(metric);
    families.set(family, [...(families.get(family) ?? []), metric]);
  }
  const filter = effectiveFilter(r.filter ?? {}, scope);
  const groupings: StatementGrouping[] = [
    ...r.groupings,
    ...(r.previous ? [{ kind: 'periodTotal' as const, period: previousPeriod(r.period) }] : []),
  ];
  return [...families].flatMap(([family, metrics]) =>
    buildMetricQueries(metrics, r.period, filter, groupings, r.hours ?? 'calendar', {
      percentiles: r.percentiles ?? false,
      rollups: r.rollups,
      rollupTimezone: 'UTC',
    }).map((q) => ({
      name: `${r.label ? `${r.label}, ` : ''}${family}: ${q.groupings.map(describeGrouping).join(', ')}`,
      sql: q.sql,
      params: q.params,
    })),
  );
}

function describeGrouping(g: StatementGrouping): string {
  switch (g.kind) {
    case 'total':
      return 'total';
    case 'series':
      return `${g.granularity} series (${g.timezone})`;
    case 'breakdown':
      return `breakdown by ${g.dimension}`;
    case 'periodTotal':
      return `total of ${g.period.from.toISOString().slice(0, 10)}…${g.period.to.toISOString().slice(0, 10)}`;
  }
}

const dashboard = (rollups: boolean): MetricsRequest => ({
  metrics: SNAPSHOT_DASHBOARD_METRICS,
  period: NINETY_DAYS,
  filter: { product: ['billing'] },
  groupings: [{ kind: 'total' }, { kind: 'series', granularity: 'day', timezone: 'UTC' }, { kind: 'breakdown', dimension: 'channel' }],
  previous: true,
  rollups,
});

export const SNAPSHOT_CASES: readonly SnapshotCase[] = [
  {
    file: 'dashboard-rollups',
    title: 'Dashboard, rollup path',
    description:
      "The benchmark's twelve-metric dashboard: 90 days of one product, each metric's total, daily series, breakdown by channel and previous period. One statement per fact table, reading the daily rollups (METRIC_ROLLUPS on).",
    statements: () => metricStatements(dashboard(true)),
  },
  {
    file: 'dashboard-raw',
    title: 'Dashboard, raw path',
    description: 'The same dashboard with METRIC_ROLLUPS=off: each fact table read from the raw rows, the previous period in a statement of its own.',
    statements: () => metricStatements(dashboard(false)),
  },
  {
    file: 'breakdown',
    title: 'Breakdowns',
    description: 'Ticket metrics broken down by tier (a subtotal of the daily rollups) and by agent (not a rollup column: the raw rows).',
    statements: () => [
      ...metricStatements({
        metrics: ['ticketVolume', 'escalationRate'],
        period: MONTH,
        groupings: [{ kind: 'breakdown', dimension: 'tier' }],
        rollups: true,
      }),
      ...metricStatements({
        metrics: ['ticketVolume', 'escalationRate'],
        period: MONTH,
        groupings: [{ kind: 'breakdown', dimension: 'agent' }],
        rollups: true,
      }),
    ],
  },
  {
    file: 'comparison',
    title: 'Comparison with the previous period',
    description:
      'One metric over whole UTC hours (the hourly rollup rows) with the previous period of equal length: both totals from one statement on the rollups; two statements on the raw rows.',
    statements: () => [
      ...metricStatements({
        label: 'rollups',
        metrics: ['firstContactResolutionRate'],
        period: WHOLE_HOURS,
        groupings: [{ kind: 'total' }],
        previous: true,
        rollups: true,
      }),
      ...metricStatements({
        label: 'raw (METRIC_ROLLUPS=off)',
        metrics: ['firstContactResolutionRate'],
        period: WHOLE_HOURS,
        groupings: [{ kind: 'total' }],
        previous: true,
        rollups: false,
      }),
    ],
  },
  {
    file: 'business-hours',
    title: 'Business hours',
    description:
      "Duration metrics in business hours (hours: BUSINESS): each ticket's elapsed time counted in its calendar, always from the raw rows; total and weekly series in a zone of its own.",
    statements: () =>
      metricStatements({
        metrics: ['firstResponseTime', 'averageResolutionTime'],
        period: MONTH,
        groupings: [{ kind: 'total' }, { kind: 'series', granularity: 'week', timezone: 'Europe/Berlin' }],
        hours: 'business',
        rollups: true,
      }),
  },
  {
    file: 'percentiles',
    title: 'Median and p90',
    description: 'Duration metrics with their median and p90 selected: the sums from the rollup, the percentiles from the durations its rows keep.',
    statements: () =>
      metricStatements({
        metrics: ['firstResponseTime', 'averageResolutionTime'],
        period: MONTH,
        filter: { channel: ['chat', 'email'] },
        groupings: [{ kind: 'total' }, { kind: 'breakdown', dimension: 'product' }],
        percentiles: true,
        rollups: true,
      }),
  },
  {
    file: 'partner-scope',
    title: 'Partner-scoped query',
    description:
      "A partner key scoped to product api asks for ticket and survey metrics filtered to two channels, broken down by channel, with the previous period: every statement's filter is the request's intersected with the scope (src/metrics/scope.ts).",
    statements: () =>
      metricStatements({
        metrics: ['ticketVolume', 'firstResponseTime', 'csat'],
        period: MONTH,
        filter: { channel: ['chat', 'email'] },
        groupings: [{ kind: 'total' }, { kind: 'breakdown', dimension: 'channel' }],
        previous: true,
        rollups: true,
        scope: { product: ['api'] },
      }),
  },
  {
    file: 'customer-metrics',
    title: 'Per-bucket metrics',
    description:
      "The dashboard's customer tiles (churn, retention, revenue): per-bucket metrics, one statement per grouping, each bucket's aggregates in a LATERAL subquery.",
    statements: () =>
      metricStatements({
        metrics: ['churnRate', 'retentionRate', 'revenue'],
        period: QUARTER,
        filter: { tier: ['pro'] },
        groupings: [{ kind: 'total' }, { kind: 'series', granularity: 'month', timezone: 'UTC' }],
        rollups: true,
      }),
  },
  {
    file: 'records',
    title: 'Records (drill-down)',
    description:
      "The records behind a value: a page after a cursor and the count, for an event metric (first response time, business hours) and a per-bucket one (backlog). Always the raw rows, with the value's own sample conditions.",
    statements: () =>
      [
        { metric: 'firstResponseTime', hours: 'business' as const },
        { metric: 'backlog', hours: 'calendar' as const },
      ].flatMap(({ metric, hours }) => {
        const q = buildRecordQueries(metricByName(metric), MONTH, { channel: ['chat'] }, hours, {
          first: 50,
          after: { at: '2025-03-08T12:00:00.000000Z', key: '1' },
        });
        return [
          { name: `${metric} (${hours} hours): page`, ...q.page },
          { name: `${metric} (${hours} hours): count`, ...q.count },
        ];
      }),
  },
  {
    file: 'rollup-refresh',
    title: 'Rollup refresh function',
    description:
      'refresh_rollups() and rebuild_rollup_table() for ROLLUP_TIMEZONE=UTC, generated from the rollup definitions (src/metrics/rollups/rollup-refresh.ts) and installed after migrations.',
    statements: () => [
      { name: 'refresh_rollups (UTC)', sql: refreshFunctionSql('UTC'), params: [], format: false },
      { name: 'rebuild_rollup_table (UTC)', sql: rebuildFunctionSql('UTC'), params: [], format: false },
    ],
  },
];

/** A comment block, each line prefixed with `-- ` and wrapped at 118 characters. */
function comment(text: string): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line && line.length + word.length + 1 > 115) {
        lines.push(line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    lines.push(line);
  }
  return lines.map((l) => `--${l ? ` ${l}` : ''}`).join('\n');
}

/** A statement's text as the snapshot shows it: formatted, or (PL/pgSQL) without blank lines and trailing spaces. */
export function snapshotSql(s: SnapshotStatement): string {
  if (s.format === false)
    return s.sql
      .split('\n')
      .map((l) => l.trimEnd())
      .filter(Boolean)
      .join('\n');
  return format(s.sql, { language: 'postgresql', tabWidth: 2, keywordCase: 'preserve' });
}

/** The file of one case: a header, then each statement with its parameters as comments. */
export function renderSnapshot(c: SnapshotCase): string {
  const statements = c.statements().map((s) => {
    const params = s.params.map((p, i) => `-- $${i + 1} = ${JSON.stringify(p)}`);
    return [`-- ${s.name}`, ...params, `${snapshotSql(s)};`].join('\n');
  });
  return `-- Generated by \`npm run schema\` from src/metrics/sql-snapshots.ts. Do not edit.
${comment(`${c.title}: ${c.description}`)}

${statements.join('\n\n')}
`;
}

/** Every snapshot file's name (under sql/metrics/) and content. */
export function renderSnapshots(): Map<string, string> {
  return new Map(SNAPSHOT_CASES.map((c) => [`${c.file}.sql`, renderSnapshot(c)]));
}

/** Writes the snapshots and removes the files of cases that no longer exist; returns the paths that changed. */
export function writeSqlSnapshots(): string[] {
  const changed: string[] = [];
  const snapshots = renderSnapshots();
  mkdirSync(SQL_SNAPSHOT_DIR, { recursive: true });
  for (const name of readdirSync(SQL_SNAPSHOT_DIR)) {
    if (name.endsWith('.sql') && !snapshots.has(name)) {
      rmSync(join(SQL_SNAPSHOT_DIR, name));
      changed.push(join(SQL_SNAPSHOT_DIR, name));
    }
  }
  for (const [name, content] of snapshots) {
    const path = join(SQL_SNAPSHOT_DIR, name);
    if (existsSync(path) && readFileSync(path, 'utf8') === content) continue;
    writeFileSync(path, content);
    changed.push(path);
  }
  return changed;
}
