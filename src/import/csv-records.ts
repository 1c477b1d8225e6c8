import { Readable } from 'node:stream';
import { parse, type CsvError, type Options } from 'csv-parse';
import type { RawRecord } from './dataset-source';
import { readUtf8Text } from './utf8-text';

// A broken quote could otherwise swallow the rest of a large file into one field held in memory.
const MAX_RECORD_CHARS = 16 * 1024 * 1024;

/**
 * csv-parse errors after which the next record starts where the parser thinks it does (quoting was never entered or
 * left cleanly), so skipping the bad record loses nothing else. After any other error (a quote never closed, text after
 * a closing quote, a record past the size limit) the parser's idea of where records start is a guess: the lines that
 * follow could be read as part of the bad record, or its contents as records.
 */
const RECOVERABLE_ERRORS = new Set(['CSV_RECORD_INCONSISTENT_FIELDS_LENGTH', 'CSV_RECORD_INCONSISTENT_COLUMNS', 'INVALID_OPENING_QUOTE']);

/** Raised for a CSV record after which the rest of the file cannot be read reliably; carries the record's first line. */
export class BrokenCsvError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(reason);
  }
}

/** Why a broken record stops the file, in the user's terms. */
function brokenReason(err: CsvError): string {
  const stop = 'the lines after it cannot be read reliably, so the file was not imported';
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') return `a quote opened in the record starting on this line is never closed; ${stop}`;
  if (err.code === 'CSV_MAX_RECORD_SIZE') return `the record starting on this line is longer than 16 M characters (a quote left open?); ${stop}`;
  if (err.code === 'CSV_INVALID_CLOSING_QUOTE') {
    return `a closing quote in the record starting on this line is followed by text instead of a comma or the line's end (double a quote inside a quoted cell: ""); ${stop}`;
  }
  return `unreadable CSV record: ${err.message.replace(/ on line \d+| at line \d+/g, '')}; ${stop}`;
}

/** A parsed record plus the unparseable records met just before it, so problems keep the file's order. */
interface ParsedItem {
  record: RawRecord;
  skippedBefore: RawRecord[] | undefined;
}

function countCrlf(cells: string[]): number {
  let n = 0;
  for (const cell of cells) for (let i = cell.indexOf('\r\n'); i !== -1; i = cell.indexOf('\r\n', i + 2)) n++;
  return n;
}

/**
 * Reads a CSV file (UTF-8, header row, RFC 4180) with csv-parse, streaming.
 * Yields the header's column names first, then one RawRecord per data record; cells are strings, empty cells null.
 */
export async function* readCsv(path: string): AsyncGenerator<string[] | RawRecord> {
  const progress = { bytesRead: 0 };
  let header: string[] | undefined;
  // csv-parse counts a CRLF inside a quoted cell as two lines; track true line numbers here.
  let prevEnd = 0;
  let prevEmpty = 0;
  let crlfExtra = 0;
  let skipped: RawRecord[] = [];
  let broken: BrokenCsvError | undefined;
  const options: Options<ParsedItem | string[], string[]> = {
    bom: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    max_record_size: MAX_RECORD_CHARS,
    on_skip: (err: CsvError | undefined) => {
      if (!err || broken) return;
      const e = err as CsvError & { lines?: number; empty_lines?: number };
      const emptyLines = e.empty_lines ?? prevEmpty;
      const line = prevEnd + 1 + (emptyLines - prevEmpty);
      prevEmpty = emptyLines;
      prevEnd = Math.max(line, (e.lines ?? line) - crlfExtra);
      if (!RECOVERABLE_ERRORS.has(err.code)) {
        broken = new BrokenCsvError(line, brokenReason(err));
        stopReading();
        return;
      }
      // A record over several lines took them all: name them, since none of them loads.
      const lines = prevEnd > line ? ` (lines ${line}–${prevEnd})` : '';
      skipped.push({ line, values: {}, problem: `unreadable CSV record${lines}: ${err.message.replace(/ on line \d+| at line \d+/g, '')}` });
      return undefined;
    },
    on_record: (cells, info) => {
      // Whatever the parser makes of the text after a broken record is not what the file holds.
      if (broken) return null;
      const emptyDelta = info.empty_lines - prevEmpty;
      prevEmpty = info.empty_lines;
      const start = prevEnd + 1 + emptyDelta;
      let end = info.lines - crlfExtra;
      if (end > start) {
        const crlf = countCrlf(cells);
        crlfExtra += crlf;
        end -= crlf;
      }
      prevEnd = Math.max(start, end);
      if (!header) {
        header = cells;
        return cells;
      }
      const values: RawRecord['values'] = {};
      for (let i = 0; i < header.length; i++) values[header[i]] = cells[i] === '' ? null : cells[i];
      const skippedBefore = skipped.length ? skipped : undefined;
      if (skippedBefore) skipped = [];
      return { record: { line: start, values, bytesRead: progress.bytesRead }, skippedBefore };
    },
  };
  // csv-parse's typings only let on_record change the record type together with `columns`; the runtime allows it without.
  const parser = parse(options as unknown as Options);
  const input = Readable.from(readUtf8Text(path, progress));
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);
  // After a broken record the rest of the file is not read: the records before it are delivered, then the error.
  function stopReading(): void {
    input.unpipe(parser);
    input.destroy();
    parser.end();
  }
  try {
    for await (const item of parser as AsyncIterable<ParsedItem | string[]>) {
      if (Array.isArray(item)) {
        yield item;
        continue;
      }
      if (item.skippedBefore) yield* item.skippedBefore;
      yield item.record;
    }
    if (!header) yield [];
    yield* skipped;
    if (broken) throw broken;
  } finally {
    input.destroy();
    parser.destroy();
  }
}
