import { BatchUpsertWriter } from './batch-upsert-writer';
import { BulkLoadWriter, type BulkLoads } from './bulk-load-writer';
import type { FileTarget, FileWriter, WriteSession } from './file-writer';

/**
 * Chooses how a file is written, once, before its first batch. A file with more than one batch (`large`) going into an
 * empty table is a bulk load (BulkLoadWriter); other files go through the batch statement, batch by batch.
 */
export async function openFileWriter(session: WriteSession, loads: BulkLoads, file: FileTarget, large: boolean): Promise<FileWriter> {
  if (large && file.spec.idColumn) {
    const [{ empty }] = await session.runner.query(`SELECT NOT EXISTS (SELECT 1 FROM "${file.spec.table}") AS empty`);
    if (empty) return BulkLoadWriter.start(session, loads, file);
  }
  return new BatchUpsertWriter(session, file);
}
