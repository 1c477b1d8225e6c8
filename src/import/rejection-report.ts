import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import type { RawRecord } from './dataset-source';
import type { ImportProblem } from './import-problems';

const HEADER = ['file', 'line', 'column', 'reason', 'record'];

/** RFC 4180 quoting of one output cell (writing only; input is parsed by csv-parse). */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The default report name: import-report-<UTC time>.csv in the current folder. */
export function defaultReportPath(now = new Date()): string {
  return `import-report-${now.toISOString().replace(/[:.]/g, '-')}.csv`;
}

/**
 * The --skip-invalid report: one CSV row per problem (file, line, column, reason, the record as JSON), streamed to disk
 * so memory stays flat however many rows are rejected. Written under a temporary name and renamed only when the run commits.
 */
export class RejectionReport {
  private stream: WriteStream | undefined;
  private readonly partialPath: string;
  /** Problems written so far. */
  count = 0;

  constructor(readonly path: string) {
    this.partialPath = `${path}.partial`;
  }

  /** Appends one problem with the record it concerns. */
  async add(problem: ImportProblem, record: RawRecord | undefined): Promise<void> {
    if (!this.stream) {
      this.stream = createWriteStream(this.partialPath, { encoding: 'utf8' });
      this.stream.write(`${HEADER.join(',')}\r\n`);
    }
    const raw = record && !record.problem ? JSON.stringify(record.values) : '';
    const row = [problem.file, problem.line === undefined ? '' : String(problem.line), problem.column ?? '', problem.reason, raw];
    this.count++;
    if (!this.stream.write(`${row.map(csvCell).join(',')}\r\n`)) await once(this.stream, 'drain');
  }

  private async close(): Promise<boolean> {
    if (!this.stream) return false;
    const stream = this.stream;
    this.stream = undefined;
    await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return true;
  }

  /** Closes the report and gives it its final name; resolves to its path, or undefined when nothing was rejected. */
  async finish(): Promise<string | undefined> {
    if (!(await this.close())) return undefined;
    renameSync(this.partialPath, this.path);
    return this.path;
  }

  /** Removes a report of a run that did not commit. */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    rmSync(this.partialPath, { force: true });
  }
}
