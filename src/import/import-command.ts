import { resolve } from 'node:path';
import type { Config } from '../config/config';
import { openMigratedDatabase } from '../db/data-source';
import { folderSource } from './folder-source';
import { importDataset } from './import-dataset';
import { formatSummary, formatValidationError, progressPrinter } from './import-output';
import { ImportValidationError } from './import-problems';

/** Options of `deskmetrics import`. */
export interface ImportCommandOptions {
  skipInvalid: boolean;
  report?: string;
  batchSize?: number;
}

/** Where the command writes (the process's streams unless a test passes its own). */
export interface CommandOutput {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** `deskmetrics import <folder>`: loads a dataset folder into the configured database; resolves to the process exit code (0 ok, 1 invalid dataset, 2 other error). */
export async function runImportCommand(
  config: Config,
  folder: string,
  options: ImportCommandOptions,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const { stdout, stderr } = output;
  if (options.report && !options.skipInvalid) stderr.write('note: --report only applies with --skip-invalid; ignored\n');
  let db: Awaited<ReturnType<typeof openMigratedDatabase>> | undefined;
  try {
    // The folder is checked before the database starts, so a typo fails fast.
    const source = folderSource(folder);
    db = await openMigratedDatabase(config);
    stderr.write(`importing ${resolve(folder)} into ${db.description}\n`);
    const summary = await importDataset(db.dataSource, source, {
      skipInvalid: options.skipInvalid,
      reportPath: options.report,
      batchSize: options.batchSize ?? config.IMPORT_BATCH_SIZE,
      sourceName: resolve(folder),
      onProgress: progressPrinter(stderr),
    });
    stdout.write(`${formatSummary(summary)}\n`);
    return 0;
  } catch (err) {
    if (err instanceof ImportValidationError) {
      stderr.write(`${formatValidationError(err)}\n`);
      return 1;
    }
    stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  } finally {
    await db?.close();
  }
}
