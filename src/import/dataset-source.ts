/** The files of a dataset (docs/data-contract.md), in the order they load: referenced records before the records that refer to them. */
export const DATASET_FILES = ['customers', 'agents', 'tickets', 'messages', 'surveys', 'orders', 'agent_activity', 'sla_policies'] as const;
export type DatasetFile = (typeof DATASET_FILES)[number];

/** A cell as read: CSV gives strings (empty cell = null); JSON Lines may give numbers and booleans too. */
export type RawValue = string | number | boolean | null;

/** One record as read from a file, with its position for error messages. */
export interface RawRecord {
  /** 1-based line number in the file (the header is line 1 of a CSV file). */
  line: number;
  values: Record<string, RawValue>;
  /** Set when the reader could not make a record of this line (broken CSV quoting, invalid JSON); `values` is then empty. */
  problem?: string;
  /** Bytes of the file read up to the end of this record, when known, for progress output. */
  bytesRead?: number;
}

/** Where a dataset's records come from: a folder of CSV/JSON Lines files, or the demo generator. */
export interface DatasetSource {
  /** The name errors and the summary use for a file (e.g. 'tickets.csv'), or undefined when the dataset has no such file. */
  describe(file: DatasetFile): string | undefined;
  /** The file's column names as declared (a CSV header), when known before reading records; used to reject unknown columns once. */
  columns?(file: DatasetFile): Promise<string[] | undefined>;
  /**
   * Streams the file's records; memory must not grow with the file's size. May be called again for the same file (a bulk
   * load reads rejected records a second time) and must then give the same records.
   */
  records(file: DatasetFile): AsyncIterable<RawRecord>;
  /** Total size in bytes when known, for progress output. */
  sizeBytes?(file: DatasetFile): number | undefined;
}
