import type { DataSource } from 'typeorm';
import { DATASET_FILES, type DatasetFile, type DatasetSource } from './dataset-source';
import { importDataset, type FileSummary } from './import-dataset';
import { ImportValidationError } from './import-problems';
import { jsonLinesOfText } from './jsonl-records';

/** Whether a name is an entity of the data contract (a dataset file's name without extension). */
export function isDatasetFile(name: string): name is DatasetFile {
  return (DATASET_FILES as readonly string[]).includes(name);
}

/** One entity's records as JSON Lines text (an ingest request's body), as a dataset with that one file. */
export function jsonLinesTextSource(file: DatasetFile, text: string): DatasetSource {
  const name = `${file}.jsonl`;
  return {
    describe: (f) => (f === file ? name : undefined),
    // Generated again on each call: a bulk load reads rejected records a second time.
    records: async function* (f) {
      if (f === file) yield* jsonLinesOfText(text);
    },
    sizeBytes: (f) => (f === file ? Buffer.byteLength(text) : undefined),
  };
}

/** What an applied ingest request did. */
export interface IngestSummary {
  /** The import_runs row recording the request. */
  runId: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

/**
 * Applies one entity's JSON Lines records exactly as `deskmetrics import` applies a file: the same validation, the same
 * idempotent upserts by source id, first responses derived and the rollups refreshed before commit (after it, by the
 * server's rollup builder, for a bulk load on PostgreSQL), in one transaction.
 * Throws ImportValidationError (nothing written) when any record is invalid: a request is applied whole or not at all.
 */
export async function ingestRecords(
  dataSource: DataSource,
  file: DatasetFile,
  text: string,
  options: { sourceName: string; batchSize: number },
): Promise<IngestSummary> {
  const source = jsonLinesTextSource(file, text);
  // A first request into an empty table is a bulk load: the server's rollup builder, if it runs one, builds after it.
  const summary = await importDataset(dataSource, source, { ...options, requireTickets: false, skipInvalid: false, leaveRollupsToServer: true });
  const counts: FileSummary | undefined = summary.files[0];
  if (!counts) throw new ImportValidationError([{ file: `${file}.jsonl`, reason: 'no records were read' }]);
  return { runId: summary.runId, read: counts.read, inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged };
}
