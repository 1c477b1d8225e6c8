/**
 * PostgreSQL's COPY text format: one line per row, tab-separated, `\N` for NULL, and backslash escapes for the four
 * characters that would otherwise end a field or a row.
 */

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** One field of a COPY text row. */
export function copyField(value: string | null): string {
  if (value === null) return '\\N';
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c]) : value;
}

/** One COPY text row (with its newline) of the staging columns: line, key, the cells, the attributes, the position. */
export function copyRow(line: number, key: string, values: readonly (string | null)[], attributes: string | null, seq: number | null): string {
  let out = `${line}\t${copyField(key)}`;
  for (let i = 0; i < values.length; i++) out += `\t${copyField(values[i])}`;
  return `${out}\t${copyField(attributes)}\t${seq ?? '\\N'}\n`;
}
