/** The bench's table: one row per figure with its target, printed as text and kept in the JSON for comparisons. */

export interface Row {
  /** Stable key, for comparing results between commits. */
  key: string;
  label: string;
  /** One figure, or several shown together (e.g. p50 / p95 / p99). */
  values: (number | null)[];
  unit: string;
  /** The target as text (e.g. "p95 ≤ 50"), null when there is none. */
  target: string | null;
  /** Whether the target is met (null without a target or a figure). */
  met: boolean | null;
}

/** Figures as the table shows them: thousands separated, at most three significant decimals for small numbers. */
export function formatNumber(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '–';
  const abs = Math.abs(v);
  const digits = abs >= 100 || Number.isInteger(v) ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const formatValues = (values: (number | null)[]) => values.map(formatNumber).join(' / ');

/** The table as text; with `previous` rows (an earlier result), a column shows their figures by key. */
export function formatTable(rows: readonly Row[], previous?: readonly Row[]): string {
  const before = new Map((previous ?? []).map((r) => [r.key, r]));
  const header = ['measure', 'value', 'unit', 'target', '', ...(previous ? ['previous'] : [])];
  const lines = rows.map((r) => [
    r.label,
    formatValues(r.values),
    r.unit,
    r.target ?? '–',
    r.met === null ? '' : r.met ? 'met' : 'MISSED',
    ...(previous ? [before.has(r.key) ? formatValues(before.get(r.key)!.values) : '–'] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const right = new Set([1]);
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (right.has(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(render)].join('\n');
}
