import type { PageProgress, StreamSummary, SyncSummary } from './sync-engine';
import type { RetryNotice } from './http-client';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const time = (d: Date | null) => (d ? d.toISOString().replace('.000Z', 'Z') : '—');

/** One line per committed page, e.g. `tickets: page 3, 3,000 records, up to 2026-03-01T10:00:00Z`. */
export function formatPage(p: PageProgress): string {
  return `${p.stream}: page ${int(p.page)}, ${int(p.read)} records, up to ${time(p.cursorTime)}`;
}

export function formatRetry(n: RetryNotice): string {
  return `${n.reason} on ${n.path.split('?')[0]}: retrying in ${(n.waitMs / 1000).toFixed(1)} s (attempt ${n.attempt})`;
}

/** The end-of-run table: per stream pages, records read, written (inserted/updated/unchanged), deleted and skipped. */
export function formatSyncSummary(summary: SyncSummary): string {
  const head = ['stream', 'pages', 'read', 'inserted', 'updated', 'unchanged', 'deleted', 'skipped', 'up to'];
  const sum = (s: StreamSummary, k: 'inserted' | 'updated' | 'unchanged') => Object.values(s.entities).reduce((n, e) => n + (e?.[k] ?? 0), 0);
  const skipped = (s: StreamSummary) => Object.values(s.skipped).reduce((n, c) => n + c, 0);
  const rows = summary.streams.map((s) => [
    s.stream,
    int(s.pages),
    int(s.read),
    int(sum(s, 'inserted')),
    int(sum(s, 'updated')),
    int(sum(s, 'unchanged')),
    int(s.deletedTickets),
    int(skipped(s)),
    time(s.cursorTime),
  ]);
  const all = [head, ...rows];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r
      .map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join('  ')
      .trimEnd();
  const out = [line(head), ...rows.map(line)];
  const read = summary.streams.reduce((n, s) => n + s.read, 0);
  out.push(`Synced ${int(read)} ${summary.source} records in ${summary.seconds.toFixed(1)} s.`);
  for (const s of summary.streams) for (const [reason, count] of Object.entries(s.skipped)) out.push(`${s.stream}: skipped ${int(count)} ${reason}`);
  return out.join('\n');
}
