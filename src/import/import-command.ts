import { resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import type { Config } from '../config/config';
import { DataFolderInUseError } from '../db/data-folder-lock';
import { cancelOwnStatements, keepCancelling, type Database } from '../db/data-source';
import { openMigratedDatabase } from '../metrics/rollups/migrated-database';
import { folderSource } from './folder-source';
import { importDataset, type ImportProgress } from './import-dataset';
import { formatSummary, formatValidationError, progressPrinter } from './import-output';
import { ImportValidationError } from './import-problems';
import { importThroughServer } from './import-through-server';

/** Options of `deskmetrics import`. */
export interface ImportCommandOptions {
  skipInvalid: boolean;
  report?: string;
  batchSize?: number;
  /** Build the rollups in this run even when a server's rollup builder could (leaveRollupsToServer). */
  waitForRollups?: boolean;
}

/** Somewhere a command writes text: a process stream, a test's capture, or a server's answer to a remote command. */
export interface TextSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Where the command writes (the process's streams unless a test passes its own). */
export interface CommandOutput {
  stdout: TextSink;
  stderr: TextSink;
}

/**
 * `deskmetrics import <folder>`: loads a dataset folder into the configured database; resolves to the process exit code
 * (0 ok, 1 invalid dataset, 2 other error). When a `deskmetrics serve` holds the embedded data folder, the folder is
 * imported by that server instead, since only one process may open the folder.
 */
export async function runImportCommand(
  config: Config,
  folder: string,
  options: ImportCommandOptions,
  output: CommandOutput = { stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  const { stderr } = output;
  if (options.report && !options.skipInvalid) stderr.write('note: --report only applies with --skip-invalid; ignored\n');
  let db: Database | undefined;
  try {
    // The folder is checked before the database starts, so a typo fails fast.
    folderSource(folder);
    db = await openMigratedDatabase(config, { command: 'import', onWait: (message) => stderr.write(`${message}\n`) });
  } catch (err) {
    if (err instanceof DataFolderInUseError && err.holder.server) {
      stderr.write(
        `${err.dataDir} is held by the deskmetrics server at ${err.holder.server.url} (process ${err.holder.pid}); importing through it\n`,
      );
      return importThroughServer(
        err.holder.server,
        { ...options, folder: resolve(folder), report: options.report && resolve(options.report) },
        output,
      );
    }
    return reportFailure(err, stderr);
  }
  const interruption = cancelOnSignals(db, stderr);
  let code: number;
  try {
    code = await importFolder(
      db.dataSource,
      db.description,
      folder,
      { ...options, batchSize: options.batchSize ?? config.IMPORT_BATCH_SIZE },
      output,
    );
  } finally {
    interruption.dispose();
    await db.close();
  }
  if (!interruption.signal) return code;
  stderr.write(`import interrupted by ${interruption.signal}: rolled back, nothing of this run was written\n`);
  return interruption.signal === 'SIGINT' ? 130 : 143;
}

/**
 * Ctrl-C or SIGTERM during an import on PostgreSQL cancels the import's statements (again every moment until the run
 * has rolled back, since a signal may come between two statements), instead of leaving a backend working for a client
 * that is gone. The embedded database runs inside this process: there the process stops at once, and PGlite recovers
 * the uncommitted run at the next start as PostgreSQL recovers from a crash.
 */
function cancelOnSignals(db: Database, stderr: TextSink): { readonly signal?: NodeJS.Signals; dispose(): void } {
  const state: { signal?: NodeJS.Signals; stopCancelling?: () => void } = {};
  const onSignal = (signal: NodeJS.Signals) => {
    if (state.signal) return;
    state.signal = signal;
    if (db.kind !== 'postgres') {
      stderr.write(`import interrupted by ${signal}: nothing of this run was committed\n`);
      process.exit(signal === 'SIGINT' ? 130 : 143);
    }
    stderr.write(`${signal}: cancelling the import\n`);
    state.stopCancelling = keepCancelling(() => cancelOwnStatements(db));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    get signal() {
      return state.signal;
    },
    dispose() {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      state.stopCancelling?.();
    },
  };
}

/**
 * Imports a folder into an open database and writes the summary or the problems; resolves to the exit code. Progress
 * goes to `onProgress`, by default a printer on stderr.
 */
export async function importFolder(
  dataSource: DataSource,
  description: string,
  folder: string,
  options: ImportCommandOptions,
  output: CommandOutput,
  onProgress: (p: ImportProgress) => void = progressPrinter(output.stderr),
): Promise<number> {
  const { stdout, stderr } = output;
  try {
    const source = folderSource(folder);
    stderr.write(`importing ${resolve(folder)} into ${description}\n`);
    const summary = await importDataset(dataSource, source, {
      skipInvalid: options.skipInvalid,
      reportPath: options.report,
      batchSize: options.batchSize,
      sourceName: resolve(folder),
      onProgress,
      onWait: (message) => stderr.write(`${message}\n`),
      onStep: (step) => stderr.write(`${step}\n`),
      leaveRollupsToServer: !options.waitForRollups,
    });
    stdout.write(`${formatSummary(summary)}\n`);
    return 0;
  } catch (err) {
    return reportFailure(err, stderr);
  }
}

/** Writes what went wrong; resolves to the exit code (1 for an invalid dataset, 2 for anything else). */
function reportFailure(err: unknown, stderr: TextSink): number {
  if (err instanceof ImportValidationError) {
    stderr.write(`${formatValidationError(err)}\n`);
    return 1;
  }
  stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return 2;
}
