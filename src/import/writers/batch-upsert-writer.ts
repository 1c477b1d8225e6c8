import type { RawRecord } from '../dataset-source';
import type { RowProblem, ValidRow } from '../record-validator';
import { settleRejectionsSql, stageTableName, upsertSql } from '../upsert-statements';
import { refusedBatch, type Batch, type FileTarget, type FileWriter, type WriteSession } from './file-writer';

interface BatchResultRow {
  line: number | null;
  problem: string | null;
  detail: string | null;
  inserted: string | null;
  updated: string | null;
}

/**
 * Writes each batch through the batch statement (upsertSql): the batch is copied into the file's staging table, then one
 * statement checks what needs the database (duplicates of earlier batches, references, message times) and upserts the
 * rest, only where a value differs.
 */
export class BatchUpsertWriter implements FileWriter {
  private readonly sql: string;
  readonly settleRejectionsSql: string;

  constructor(
    private readonly session: WriteSession,
    private readonly file: FileTarget,
  ) {
    this.sql = upsertSql(file.spec, { trackTouched: !session.deriveAll, rejectedParents: session.rejectedParents });
    this.settleRejectionsSql = settleRejectionsSql(file.spec, false);
  }

  /**
   * Copies one batch into the staging table and runs the batch statement, as soon as the database is done with the
   * batch before; then, once that batch is booked, books its counts and the rows the database rejected.
   */
  async write(batch: Batch, before: Promise<void> | undefined): Promise<void> {
    const { spec, name, counts, reject } = this.file;
    // A key repeated within the batch is a duplicate of its first occurrence here; the statement checks earlier batches.
    const firstLine = new Map<string, number>();
    const repeats: { index: number; first: number }[] = [];
    let rows = batch.rows;
    let records = batch.records;
    for (let i = 0; i < rows.length; i++) {
      const first = firstLine.get(rows[i].key);
      if (first === undefined) firstLine.set(rows[i].key, records[i].line);
      else repeats.push({ index: i, first });
    }
    if (repeats.length) {
      const skip = new Set(repeats.map((r) => r.index));
      rows = rows.filter((_, i) => !skip.has(i));
      records = records.filter((_, i) => !skip.has(i));
    }

    // The staging rows are prepared now, while the database works on the batch before; they are sent the moment it
    // is done (and the statement leaves the staging table empty for the next batch).
    const fill = this.session.stagingFill(spec, rows, records);
    const written = this.session.queue(async () => {
      await fill();
      // Without parameters, both statements travel in one round trip.
      const results = (await this.session.client.query(`${this.sql};\nTRUNCATE ${stageTableName(spec)}`)) as unknown as { rows: BatchResultRow[] }[];
      return results[0].rows;
    });
    // Booked in file order: the batch before first (its failure is the run's).
    if (before) await before;

    let result: BatchResultRow[];
    try {
      result = await written;
    } catch (err) {
      throw refusedBatch(name, records, err);
    }
    const rejected: { record: RawRecord; problem: RowProblem; key: string }[] = [];
    const earlierOf = new Map<number, string>();
    const problemRows = result.filter((r) => r.problem !== null);
    if (problemRows.length) {
      const byLine = new Map(records.map((r, i) => [r.line, i]));
      for (const p of problemRows) {
        const i = byLine.get(p.line as number) as number;
        if (p.problem === 'duplicate') earlierOf.set(p.line as number, p.detail as string);
        rejected.push({ record: records[i], problem: this.describe(rows[i], p.line as number, p.problem as string, p.detail), key: rows[i].key });
      }
    }
    // A repeat names the key's first line in the file: an earlier batch's, when its first occurrence here was one too.
    for (const { index, first } of repeats) {
      const detail = earlierOf.get(first) ?? String(first);
      const record = batch.records[index];
      const row = batch.rows[index];
      rejected.push({ record, problem: this.describe(row, record.line, 'duplicate', detail), key: row.key });
    }
    for (const r of rejected.sort((a, b) => a.record.line - b.record.line)) await reject(r.record, [r.problem], r.key);
    const booked = result.find((r) => r.problem === null);
    counts.inserted += Number(booked?.inserted ?? 0);
    counts.updated += Number(booked?.updated ?? 0);
  }

  private describe(row: ValidRow, line: number, problem: string, detail: string | null): RowProblem {
    return this.session.describeDatabaseProblem(this.file.spec, row, { line, problem, detail });
  }

  /** Every batch was written as it came. */
  async finish(): Promise<void> {}
}
