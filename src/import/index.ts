/** The import's public API: load a dataset (a folder, or any DatasetSource such as the demo generator) into the database. */
export { DATASET_FILES, type DatasetFile, type DatasetSource, type RawRecord, type RawValue } from './dataset-source';
export { folderSource } from './folder-source';
export { importDataset, type FileSummary, type ImportOptions, type ImportProgress, type ImportSummary } from './import-dataset';
export { formatProblem, ImportValidationError, type ImportProblem } from './import-problems';
