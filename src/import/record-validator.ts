import type { RawRecord, RawValue } from './dataset-source';
import type { ParsedCell } from './field-parsers';
import type { FileSpec } from './file-specs';

/** Free-form attribute columns start with this prefix; they are kept in `attributes` and ignored by metrics. */
export const ATTRIBUTE_PREFIX = 'x_';

/** A record that passed every check that needs no database: the cells as PostgreSQL receives them. */
export interface ValidRow {
  /** One text per spec column (null = empty), defaults applied. */
  values: (string | null)[];
  /** The record's identity within its file (the id, or the key columns), for duplicate detection. */
  key: string;
  /** JSON of the x_ columns, or null when there are none. */
  attributes: string | null;
}

/** What is wrong with one cell or record. */
export interface RowProblem {
  column?: string;
  reason: string;
  /**
   * Set when the record's only fault is another record's: it repeats a key loaded from an earlier line ('duplicate'; the
   * key itself is not rejected), or it refers to a record this import rejected ('rejected-reference').
   */
  cause?: 'duplicate' | 'rejected-reference';
}

/** A failed record carries its key when the key's cells are valid, so that records referring to it can be rejected too. */
export type ValidationResult = { ok: true; row: ValidRow } | { ok: false; problems: RowProblem[]; key?: string };

/** Problems of a declared header: unknown, duplicate or empty column names and missing required columns. */
export function checkHeader(spec: FileSpec, columns: readonly string[]): RowProblem[] {
  const problems: RowProblem[] = [];
  const known = new Set(spec.columns.map((c) => c.name));
  const seen = new Set<string>();
  for (const name of columns) {
    if (name === '') problems.push({ reason: 'the header has an empty column name' });
    else if (seen.has(name)) problems.push({ column: name, reason: `column ${name} appears twice in the header` });
    else if (!known.has(name) && !name.startsWith(ATTRIBUTE_PREFIX))
      problems.push({
        column: name,
        reason: `unknown column ${name} (expected ${[...known].join(', ')}; free-form columns must start with ${ATTRIBUTE_PREFIX})`,
      });
    seen.add(name);
  }
  for (const c of spec.columns) {
    if (c.required && !seen.has(c.name)) problems.push({ column: c.name, reason: `required column ${c.name} is missing from the header` });
  }
  return problems;
}

const isEmpty = (v: RawValue | undefined): v is null | undefined | '' => v === null || v === undefined || v === '';

/** Why a text is longer than `max` characters (code points, as PostgreSQL counts them), or undefined when it is not. */
function lengthProblem(text: string, max: number): string | undefined {
  // A string has at least as many UTF-16 units as characters: only long ones need counting.
  if (text.length <= max) return undefined;
  let n = 0;
  for (const _ of text) n++;
  return n > max ? `longer than ${max} characters (it has ${n})` : undefined;
}

/** Checks records of one file against its spec; built once per file so per-record work stays small. */
export class RecordValidator {
  private readonly checkIndexes: number[][];
  private readonly keyIndexes: number[];
  private readonly known: Set<string>;
  private readonly attributeColumns: string[] | undefined;

  /** `columns` is the declared header when known: then per-record key checks are skipped and x_ columns are fixed. */
  constructor(
    private readonly spec: FileSpec,
    private readonly columns?: readonly string[],
  ) {
    const index = (name: string) => spec.columns.findIndex((c) => c.name === name);
    this.checkIndexes = spec.checks.map((c) => c.columns.map(index));
    this.keyIndexes = spec.keyColumns.map(index);
    this.known = new Set(spec.columns.map((c) => c.name));
    this.attributeColumns = columns?.filter((c) => c.startsWith(ATTRIBUTE_PREFIX));
  }

  /** Validates one record: types, required cells, enums, ranges and the rules across its cells. */
  validate(record: RawRecord): ValidationResult {
    const { spec } = this;
    const raw = record.values;
    let problems: RowProblem[] | undefined;
    const add = (p: RowProblem) => (problems ??= []).push(p);

    let attributeNames = this.attributeColumns;
    if (!attributeNames) {
      attributeNames = [];
      for (const name of Object.keys(raw)) {
        if (name.startsWith(ATTRIBUTE_PREFIX)) attributeNames.push(name);
        else if (!this.known.has(name)) add({ column: name, reason: `unknown field ${name} (free-form fields must start with ${ATTRIBUTE_PREFIX})` });
      }
    }

    const n = spec.columns.length;
    const values: (string | null)[] = new Array(n);
    const cells: (ParsedCell | undefined)[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const col = spec.columns[i];
      const v = raw[col.name];
      if (isEmpty(v)) {
        if (col.required) add({ column: col.name, reason: `${col.name} is required` });
        values[i] = col.defaultText ?? null;
        continue;
      }
      const parsed = col.parse(v);
      const tooLong = parsed.ok && col.maxLength !== undefined ? lengthProblem(parsed.text, col.maxLength) : undefined;
      if (tooLong) {
        add({ column: col.name, reason: tooLong });
        values[i] = null;
      } else if (parsed.ok) {
        values[i] = parsed.text;
        cells[i] = parsed;
      } else {
        add({ column: col.name, reason: `${col.name}: ${parsed.reason}` });
        values[i] = null;
      }
    }

    for (let c = 0; c < spec.checks.length; c++) {
      const idx = this.checkIndexes[c];
      const args: ParsedCell[] = [];
      for (const i of idx) {
        const parsed = cells[i];
        if (!parsed) break;
        args.push(parsed);
      }
      if (args.length !== idx.length) continue;
      const problem = spec.checks[c].check(args);
      if (problem) add(problem);
    }

    let attributes: string | null = null;
    if (attributeNames.length > 0) {
      const obj: Record<string, string | null> = {};
      for (const name of attributeNames) {
        const v = raw[name];
        if (v !== null && v !== undefined && typeof v === 'object')
          add({ column: name, reason: `${name} must be a single value, not a list or object` });
        else if (typeof v === 'string' && v.includes('\u0000'))
          add({ column: name, reason: `${name} contains a NUL character, which cannot be stored` });
        obj[name] = isEmpty(v) ? null : String(v);
      }
      attributes = JSON.stringify(obj);
    }

    const key = this.keyOf(values);
    if (problems) return { ok: false, problems, key: this.keyIndexes.every((i) => cells[i]) ? key : undefined };
    return { ok: true, row: { values, key, attributes } };
  }

  private keyOf(values: (string | null)[]): string {
    return this.keyIndexes.length === 1 ? (values[this.keyIndexes[0]] as string) : JSON.stringify(this.keyIndexes.map((i) => values[i]));
  }
}
