import { readdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { BrokenCsvError, readCsv } from './csv-records';
import { DATASET_FILES, type DatasetFile, type DatasetSource, type RawRecord } from './dataset-source';
import { ImportValidationError, type ImportProblem } from './import-problems';
import { readJsonLines } from './jsonl-records';
import { InvalidUtf8Error } from './utf8-text';

const EXTENSIONS = ['.csv', '.jsonl'] as const;

/** A file's text could not be read as records (not UTF-8, or broken CSV quoting); names the file and line. */
export class UnreadableFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    reason: string,
  ) {
    super(reason);
  }
}

async function* withFileErrors<T>(file: string, records: AsyncGenerator<T>): AsyncGenerator<T> {
  try {
    yield* records;
  } catch (err) {
    if (err instanceof InvalidUtf8Error || err instanceof BrokenCsvError) throw new UnreadableFileError(file, err.line, err.message);
    throw err;
  }
}

/**
 * A dataset folder: `<name>.csv` or `<name>.jsonl` per contract file, tickets required.
 * Other .csv/.jsonl names are an error (a misspelt file would otherwise be silently skipped); other files are ignored.
 */
export function folderSource(dir: string): DatasetSource {
  let entries: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new ImportValidationError([{ file: dir, reason: 'is not a folder' }]);
    entries = readdirSync(dir).filter((name) => statSync(join(dir, name)).isFile());
  } catch (err) {
    if (err instanceof ImportValidationError) throw err;
    throw new ImportValidationError([{ file: dir, reason: `cannot read the folder: ${(err as Error).message}` }]);
  }
  const files = new Map<DatasetFile, string>();
  const problems: ImportProblem[] = [];
  const known = new Set<string>(DATASET_FILES);
  for (const name of entries.sort()) {
    const ext = extname(name).toLowerCase();
    if (!(EXTENSIONS as readonly string[]).includes(ext)) continue;
    const stem = basename(name, extname(name));
    if (!known.has(stem)) {
      problems.push({ file: name, reason: `unknown file (expected ${DATASET_FILES.map((f) => `${f}.csv`).join(', ')} or the same names as .jsonl)` });
      continue;
    }
    const file = stem as DatasetFile;
    const other = files.get(file);
    if (other) problems.push({ file: name, reason: `both ${other} and ${name} are present; keep one` });
    else files.set(file, name);
  }
  if (!files.has('tickets')) problems.push({ file: 'tickets.csv', reason: `required file is missing from ${dir} (tickets.csv or tickets.jsonl)` });
  if (problems.length) throw new ImportValidationError(problems);

  const pathOf = (file: DatasetFile) => join(dir, files.get(file) as string);
  const isCsv = (file: DatasetFile) => extname(files.get(file) ?? '').toLowerCase() === '.csv';
  return {
    describe: (file) => files.get(file),
    async columns(file) {
      if (!files.has(file) || !isCsv(file)) return undefined;
      for await (const first of withFileErrors(files.get(file) as string, readCsv(pathOf(file)))) {
        return Array.isArray(first) ? first : [];
      }
      return [];
    },
    async *records(file): AsyncGenerator<RawRecord> {
      const name = files.get(file);
      if (!name) return;
      if (!isCsv(file)) {
        yield* withFileErrors(name, readJsonLines(pathOf(file)));
        return;
      }
      for await (const item of withFileErrors(name, readCsv(pathOf(file)))) {
        if (!Array.isArray(item)) yield item;
      }
    },
    sizeBytes: (file) => (files.has(file) ? statSync(pathOf(file)).size : undefined),
  };
}
