import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { RawRecord, RawValue } from './dataset-source';
import { readUtf8Text } from './utf8-text';

function toRecord(line: number, text: string): RawRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return { line, values: {}, problem: `invalid JSON: ${(err as Error).message}` };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return { line, values: {}, problem: 'each line must be one JSON object' };
  }
  const values: Record<string, RawValue> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== null && typeof value === 'object') {
      return { line, values: {}, problem: `field ${key} is a list or object; expected a single value` };
    }
    values[key] = value as RawValue;
  }
  return { line, values };
}

/**
 * The records of JSON Lines text already in memory (an HTTP request body), numbered like readJsonLines numbers a file's (the same line ends):
 * one object per line, blank lines ignored, a leading byte order mark allowed.
 */
export function* jsonLinesOfText(text: string): Generator<RawRecord> {
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '') yield toRecord(i + 1, lines[i]);
  }
}

/** Reads a JSON Lines file (one object per line, blank lines ignored), streaming. */
export async function* readJsonLines(path: string): AsyncGenerator<RawRecord> {
  const progress = { bytesRead: 0 };
  const input = Readable.from(readUtf8Text(path, progress));
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const text of lines) {
      lineNo++;
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) {
        const rest = text.slice(1);
        if (rest.trim() !== '') yield { ...toRecord(lineNo, rest), bytesRead: progress.bytesRead };
        continue;
      }
      if (text.trim() === '') continue;
      const record = toRecord(lineNo, text);
      record.bytesRead = progress.bytesRead;
      yield record;
    }
  } finally {
    lines.close();
    input.destroy();
  }
}
