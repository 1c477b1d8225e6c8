import { timingSafeEqual } from 'node:crypto';
import express, { type Express } from 'express';
import type { DataSource } from 'typeorm';
import { importFolder, type TextSink } from '../import/import-command';
import { LOCAL_IMPORT_PATH, LOCAL_TOKEN_HEADER, type LocalImportEvent, type LocalImportRequest } from '../import/import-through-server';
import type { Logger } from '../logging/logger';

/** What the server needs to take a local import: its database and the token written into the data folder's lock. */
export interface LocalImportSettings {
  dataSource: DataSource;
  description: string;
  /** The lock file's token: only a process that can read the data folder can send imports. */
  token: string;
  defaultBatchSize: number;
  logger: Logger;
}

function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

function parseRequest(body: unknown): LocalImportRequest | string {
  const r = body as Partial<LocalImportRequest> | undefined;
  if (!r || typeof r.folder !== 'string' || !r.folder) return 'folder: a path is required';
  if (typeof r.skipInvalid !== 'boolean') return 'skipInvalid: true or false is required';
  if (r.report !== undefined && typeof r.report !== 'string') return 'report: must be a path';
  if (r.batchSize !== undefined && !(Number.isInteger(r.batchSize) && r.batchSize >= 1)) return 'batchSize: must be a positive whole number';
  return { folder: r.folder, skipInvalid: r.skipInvalid, report: r.report, batchSize: r.batchSize };
}

/**
 * POST /local/import: `deskmetrics import` on the embedded database while this server holds it. The answer is the
 * command's output as JSON Lines (LocalImportEvent), ending with its exit code. Requests wait for the import's
 * transaction as they would for any import, since the embedded database has one connection.
 */
export function mountLocalImport(app: Express, settings: LocalImportSettings): void {
  app.post(LOCAL_IMPORT_PATH, express.json({ limit: '64kb' }), async (req, res) => {
    if (!tokenMatches(req.headers[LOCAL_TOKEN_HEADER], settings.token)) {
      res.status(401).json({ error: `${LOCAL_TOKEN_HEADER}: missing or wrong; it is written in the data folder's lock file` });
      return;
    }
    const request = parseRequest(req.body);
    if (typeof request === 'string') {
      res.status(400).json({ error: request });
      return;
    }
    res.status(200).type('application/x-ndjson');
    const send = (event: LocalImportEvent) => res.write(`${JSON.stringify(event)}\n`);
    const sink = (stream: 'stdout' | 'stderr'): TextSink => ({
      write: (text: string) => send(stream === 'stdout' ? { stdout: text } : { stderr: text }),
    });
    settings.logger.info({ folder: request.folder }, 'local import started');
    const exitCode = await importFolder(
      settings.dataSource,
      settings.description,
      request.folder,
      { ...request, batchSize: request.batchSize ?? settings.defaultBatchSize },
      { stdout: sink('stdout'), stderr: sink('stderr') },
      (progress) => send({ progress }),
    );
    settings.logger.info({ folder: request.folder, exitCode }, 'local import finished');
    send({ exitCode });
    res.end();
  });
}
