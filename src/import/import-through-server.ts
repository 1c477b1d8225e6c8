import type { FolderHolder } from '../db/data-folder-lock';
import type { CommandOutput, ImportCommandOptions } from './import-command';
import type { ImportProgress } from './import-dataset';
import { progressPrinter } from './import-output';

/**
 * `deskmetrics import` while `deskmetrics serve` holds the embedded database: the server imports the folder on its own
 * connection and streams the command's output back. The server reads the folder itself, so this works only on the
 * machine that holds the data folder, which is the only place its lock file (and the token in it) can be read.
 */

/** What the client asks the server to import: the command's options with absolute paths. */
export interface LocalImportRequest extends ImportCommandOptions {
  folder: string;
}

/** One line of the server's answer (JSON Lines): output of the command, its progress, and last its exit code. */
export type LocalImportEvent = { stdout: string } | { stderr: string } | { progress: ImportProgress } | { exitCode: number };

/** Where the server takes local imports, and the header that carries the token from the data folder's lock file. */
export const LOCAL_IMPORT_PATH = '/local/import';
export const LOCAL_TOKEN_HEADER = 'x-deskmetrics-local-token';

/** Sends the import to the server that holds the data folder; resolves to the exit code the import had there. */
export async function importThroughServer(
  server: NonNullable<FolderHolder['server']>,
  request: LocalImportRequest,
  output: CommandOutput,
): Promise<number> {
  const showProgress = progressPrinter(output.stderr);
  let response: Response;
  try {
    response = await fetch(new URL(LOCAL_IMPORT_PATH, server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', [LOCAL_TOKEN_HEADER]: server.localToken },
      body: JSON.stringify(request),
    });
  } catch (err) {
    output.stderr.write(`error: the server at ${server.url} does not answer (${(err as Error).message}); stop it and run the import again\n`);
    return 2;
  }
  if (!response.ok || !response.body) {
    output.stderr.write(`error: the server at ${server.url} refused the import: HTTP ${response.status} ${await response.text()}\n`);
    return 2;
  }
  let exitCode: number | undefined;
  let pending = '';
  const decoder = new TextDecoder();
  const handle = (line: string) => {
    if (!line) return;
    const event = JSON.parse(line) as LocalImportEvent;
    if ('stdout' in event) output.stdout.write(event.stdout);
    else if ('stderr' in event) output.stderr.write(event.stderr);
    else if ('progress' in event) showProgress(event.progress);
    else exitCode = event.exitCode;
  };
  const reader = response.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    pending += decoder.decode(chunk.value, { stream: true });
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    lines.forEach(handle);
  }
  handle(pending + decoder.decode());
  if (exitCode === undefined) {
    output.stderr.write(`error: the server at ${server.url} stopped answering before the import finished; its log says why\n`);
    return 2;
  }
  return exitCode;
}
