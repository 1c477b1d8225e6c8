/** One reason a dataset cannot load as it is: where (file, line, column) and why. */
export interface ImportProblem {
  /** The file as the source names it, e.g. 'tickets.csv'. */
  file: string;
  /** 1-based line of the record (a CSV header is line 1); absent when the problem concerns the whole file or folder. */
  line?: number;
  column?: string;
  reason: string;
}

/** Thrown when a dataset fails validation; the database is left unchanged. */
export class ImportValidationError extends Error {
  /** True when validation stopped early because maxErrors problems were found. */
  readonly truncated: boolean;

  constructor(
    readonly problems: ImportProblem[],
    options: { truncated?: boolean } = {},
  ) {
    const first = problems.slice(0, 5).map(formatProblem).join('\n  ');
    const more = problems.length > 5 ? `\n  … ${problems.length - 5} more` : '';
    super(`the dataset has ${problems.length}${options.truncated ? '+' : ''} problem(s); nothing was imported:\n  ${first}${more}`);
    this.name = 'ImportValidationError';
    this.truncated = options.truncated ?? false;
  }
}

/** Formats a problem as `file:line column — reason`, the way editors and terminals link to a position. */
export function formatProblem(p: ImportProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return `${where}${p.column ? ` ${p.column}` : ''} — ${p.reason}`;
}
