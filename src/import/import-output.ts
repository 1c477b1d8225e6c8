import type { FileSummary, ImportProgress, ImportSummary } from './import-dataset';
import { formatProblem, type ImportValidationError } from './import-problems';

const int = (n: number) => Math.round(n).toLocaleString('en-US');

function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** One progress line, e.g. `tickets.csv: 1,200,000 rows, 45% of 1.2 GB, 98,000 rows/s`. */
export function formatProgress(p: ImportProgress): string {
  const share =
    p.bytesRead !== undefined && p.totalBytes ? `, ${Math.min(100, Math.floor((100 * p.bytesRead) / p.totalBytes))}% of ${bytes(p.totalBytes)}` : '';
  return `${p.file}: ${int(p.rowsRead)} rows${share}, ${int(p.rowsPerSecond)} rows/s`;
}

/**
 * A progress printer for long files: rewrites one line on a terminal, prints a plain line every few seconds otherwise.
 * Files that load within a second print nothing.
 */
export function progressPrinter(stream: { write(text: string): unknown; readonly isTTY?: boolean }): (p: ImportProgress) => void {
  const tty = Boolean(stream.isTTY);
  let lastPlainMs = 0;
  let onLine = false;
  return (p) => {
    if (tty) {
      if (p.done) {
        if (onLine) stream.write(`\r\x1b[K${formatProgress(p)}\n`);
        onLine = false;
      } else if (p.seconds >= 1) {
        stream.write(`\r\x1b[K${formatProgress(p)}`);
        onLine = true;
      }
      return;
    }
    const now = Date.now();
    if (!p.done && p.seconds >= 1 && now - lastPlainMs >= 5000) {
      lastPlainMs = now;
      stream.write(`${formatProgress(p)}\n`);
    }
  };
}

/** The end-of-run table: per file read, inserted, updated, unchanged, rejected and rows/s, then the total rate. */
export function formatSummary(summary: ImportSummary): string {
  const head = ['file', 'read', 'inserted', 'updated', 'unchanged', 'rejected', 'rows/s'];
  const row = (f: FileSummary) => [f.file, int(f.read), int(f.inserted), int(f.updated), int(f.unchanged), int(f.rejected), int(f.rowsPerSecond)];
  const rows = [head, ...summary.files.map(row), row(summary.total)];
  const widths = head.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  const out = [line(head), ...rows.slice(1, -1).map(line), widths.map((w) => '-'.repeat(w)).join('  '), line(rows[rows.length - 1])];
  const t = summary.total;
  out.push(
    `Imported ${int(t.read)} rows in ${t.seconds.toFixed(1)} s (${int(t.rowsPerSecond)} rows/s); ` +
      `${int(summary.derivedFirstResponses)} first responses derived from messages; import run ${summary.runId}.`,
  );
  const f = summary.finishing;
  if (f.firstResponses + f.indexes + f.rollups >= 1) {
    out.push(
      `After the files: ${f.firstResponses.toFixed(1)} s deriving first responses, ${f.indexes.toFixed(1)} s rebuilding indexes, ${f.rollups.toFixed(1)} s refreshing rollups.`,
    );
  }
  if (summary.rollupsLeftToServer) {
    out.push(
      'The rollups are being rebuilt by the deskmetrics server running on this database; metrics are exact meanwhile, ' +
        'read from the raw tables (slower), and dataStatus.rollupsCurrent turns true when they are done.',
    );
  }
  if (summary.reportPath) out.push(`${int(t.rejected)} rejected rows are listed with their reasons in ${summary.reportPath}`);
  return out.join('\n');
}

/** The problems of a failed run, one `file:line column — reason` per line, then a count. */
export function formatValidationError(err: ImportValidationError): string {
  const count = `${err.problems.length}${err.truncated ? '+ problems (stopped counting)' : ` problem${err.problems.length === 1 ? '' : 's'}`}`;
  return [...err.problems.map(formatProblem), `${count}; nothing was imported (the database is unchanged).`].join('\n');
}
