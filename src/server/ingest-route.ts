import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler, type Response } from 'express';
import type { DataSource } from 'typeorm';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnreachable } from '../api/database-unavailable';
import { ApiError, databaseUnavailableError, ErrorCode } from '../api/errors';
import { withHttpStatus } from '../api/http-error';
import { INGEST_ROLES, type Caller } from '../auth/caller';
import type { Config } from '../config/config';
import { DATASET_FILES } from '../import/dataset-source';
import { ImportValidationError, type ImportProblem } from '../import/import-problems';
import { ingestRecords, isDatasetFile } from '../import/ingest-records';
import type { Logger } from '../logging/logger';
import { contextFailure } from './http-errors';

/** Where records are sent: POST /ingest/<entity>, one entity of the data contract per request (docs/ingest.md). */
export const INGEST_PATH = '/ingest/:entity';

export interface IngestSettings {
  dataSource: DataSource;
  config: Pick<Config, 'INGEST_MAX_BYTES' | 'IMPORT_BATCH_SIZE'>;
  /** The request's caller, behind the auth-failure limit (429, 401), as /graphql authenticates. */
  authenticate: (req: Request) => Promise<Caller>;
  /** Charges the request to its client's rate-limit bucket (429 when empty), as /graphql's arrival. */
  admit: (clientKey: string) => Promise<void>;
  logger: Logger;
}

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ errors: [{ message, extensions: { code } }] });
}

/** `line 3 column created_at — reason`: where in the request body, and why. */
export function formatIngestProblem(p: ImportProblem): string {
  const where = [p.line === undefined ? undefined : `line ${p.line}`, p.column ? `column ${p.column}` : undefined].filter(Boolean).join(' ');
  return where ? `${where} — ${p.reason}` : p.reason;
}

/**
 * POST /ingest/<entity>: JSON Lines records of one entity from a help desk webhook, an ETL tool or a script, applied by
 * the importer (src/import/ingest-records.ts) in one transaction. In this order: has the address failed too often (429),
 * who is asking (401), may they ingest (403), may they send now (429), is the entity known (404), is the body small
 * enough (413) and valid (400, 422, nothing written), then 200 with the counts.
 */
export function mountIngest(app: Express, settings: IngestSettings): void {
  const { config, logger } = settings;
  const callers = new WeakMap<Request, Caller>();

  const admit: RequestHandler = (req, res, next) => {
    void (async () => {
      const caller = await settings.authenticate(req);
      if (!INGEST_ROLES.includes(caller.role)) {
        throw withHttpStatus(
          new ApiError(ErrorCode.FORBIDDEN, `POST /ingest: needs the ${INGEST_ROLES.join(' or ')} role (this key is ${caller.role})`),
          403,
        );
      }
      await settings.admit(caller.keyId ? `key:${caller.keyId}` : `address:${req.ip}`);
      const entity = String(req.params.entity);
      if (!isDatasetFile(entity)) {
        sendError(res, 404, ErrorCode.NOT_FOUND, `POST /ingest/${entity}: unknown entity; one of ${DATASET_FILES.join(', ')}`);
        return;
      }
      callers.set(req, caller);
      next();
    })().catch((err: unknown) => {
      if (isDatabaseUnreachable(err)) {
        res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
        sendError(res, 503, ErrorCode.DATABASE_UNAVAILABLE, databaseUnavailableError().message);
        return;
      }
      const failure = contextFailure(err);
      if (!failure) return next(err);
      for (const [name, value] of failure.headers) res.setHeader(name, value);
      res.status(failure.status).json({ errors: [failure.error] });
    });
  };

  // Any content type: webhooks and ETL tools label JSON Lines variously (application/x-ndjson, application/json, text/plain).
  const readBody = express.raw({ type: () => true, limit: config.INGEST_MAX_BYTES });

  const bodyErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
    const type = (err as { type?: unknown } | null)?.type;
    if (type === 'entity.too.large') {
      sendError(
        res,
        413,
        ErrorCode.REQUEST_TOO_LARGE,
        `request body: larger than INGEST_MAX_BYTES (${config.INGEST_MAX_BYTES} bytes); send the records in several requests`,
      );
      return;
    }
    if (typeof type === 'string') {
      sendError(res, (err as { status?: number }).status ?? 400, 'BAD_REQUEST', `request body: ${(err as Error).message}`);
      return;
    }
    next(err);
  };

  const apply: RequestHandler = (req, res, next) => {
    void (async () => {
      const caller = callers.get(req) as Caller;
      const entity = String(req.params.entity);
      if (!isDatasetFile(entity)) throw new Error(`unknown entity ${entity} past the check`);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
      } catch {
        sendError(res, 400, 'BAD_REQUEST', 'request body: not valid UTF-8 text');
        return;
      }
      if (text.trim() === '') {
        sendError(res, 400, 'BAD_REQUEST', `request body: no records; send ${entity} as JSON Lines, one object per line (docs/data-contract.md)`);
        return;
      }
      try {
        const summary = await ingestRecords(settings.dataSource, entity, text, {
          sourceName: `ingest ${entity} (key ${caller.name})`,
          batchSize: config.IMPORT_BATCH_SIZE,
        });
        logger.info({ entity, key: caller.name, ...summary }, 'records ingested');
        res.status(200).json({ entity, ...summary, rejected: [] });
      } catch (err) {
        if (!(err instanceof ImportValidationError)) throw err;
        res.status(422).json({
          entity,
          inserted: 0,
          updated: 0,
          unchanged: 0,
          rejected: err.problems.map(formatIngestProblem),
          // True when checking stopped at the importer's limit of problems: more lines may be wrong.
          truncated: err.truncated,
          errors: [
            {
              message: `${entity}: ${err.problems.length}${err.truncated ? '+' : ''} problem(s); nothing of this request was written`,
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            },
          ],
        });
      }
    })().catch((err: unknown) => {
      if (isDatabaseUnreachable(err)) {
        res.setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
        sendError(res, 503, ErrorCode.DATABASE_UNAVAILABLE, databaseUnavailableError().message);
        return;
      }
      next(err);
    });
  };

  app.post(INGEST_PATH, admit, readBody, bodyErrors, apply);
}
