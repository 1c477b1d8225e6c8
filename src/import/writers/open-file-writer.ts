import { BatchUpsertWriter } from './batch-upsert-writer';
import { BulkLoadWriter, type BulkLoads, type BusyConnection } from './bulk-load-writer';
import type { FileTarget, FileWriter, WriteSession } from './file-writer';

/**
 * Chooses how a file is written, once, before its first batch. A file with more than one batch (`large`) going into an
 * empty table is a bulk load (BulkLoadWriter); other files go through the batch statement, batch by batch.
 *
 * `busyWith`: the connection is still loading the file before, and the table was empty when the run began (no other
 * file of a run writes it). A bulk load then starts at once, its batches spooled; any other writer waits.
 */
export async function openFileWriter(
  session: WriteSession,
  loads: BulkLoads,
  file: FileTarget,
  large: boolean,
  busyWith?: BusyConnection,
): Promise<FileWriter> {
  if (busyWith) {
    if (large && file.spec.idColumn) return BulkLoadWriter.start(session, loads, file, busyWith);
    await busyWith.until;
  }
  if (large && file.spec.idColumn) {
    const [{ empty }] = await session.runner.query(`SELECT NOT EXISTS (SELECT 1 FROM "${file.spec.table}") AS empty`);
    if (empty) return BulkLoadWriter.start(session, loads, file);
  }
  return new BatchUpsertWriter(session, file);
}
