import { createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { dataVersion } from '../planning/forecast-cache';
import type { SqlExecutor } from '../db/sql-executor';

/**
 * Cheap refreshes for GET queries (persisted or not): the answer's ETag is a hash of the data version, the caller's
 * credentials and the request's URL, so a dashboard polling an unchanged database gets 304 Not Modified after one
 * indexed statement instead of its whole query. `Cache-Control: private, no-cache`: browsers keep the answer for
 * this caller only and always ask again. A 304 is only sent once the caller has authenticated (`authenticate`).
 */
export function conditionalGet(
  sql: Pick<SqlExecutor, 'query'>,
  authenticate: (req: Request) => Promise<unknown>,
  options: { everyGet?: boolean } = {},
): RequestHandler {
  return (req, res, next) => {
    // The explorer's page (a GET without a query) is not a query answer; every GET of an export route is one.
    if (!options.everyGet && req.query.query === undefined && req.query.extensions === undefined) return next();
    void (async () => {
      const version = await dataVersion(sql);
      const credentials = createHash('sha256')
        .update(String(req.headers.authorization ?? ''))
        .digest('base64url');
      const etag = `"${createHash('sha256').update(`${version}\u0000${credentials}\u0000${req.originalUrl}`).digest('base64url').slice(0, 32)}"`;
      const given = req.headers['if-none-match'];
      const matches = typeof given === 'string' && given.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
      // A caller that fails to authenticate is answered by the API as usual (401), never with a 304.
      if (
        matches &&
        (await authenticate(req).then(
          () => true,
          () => false,
        ))
      ) {
        res.status(304).setHeader('ETag', etag);
        res.setHeader('Cache-Control', 'private, no-cache');
        res.end();
        return;
      }
      // Only a successful answer carries the tag: an error must not be kept and revalidated.
      const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
      res.writeHead = ((status: number, ...rest: unknown[]) => {
        if (status === 200) {
          res.setHeader('ETag', etag);
          res.setHeader('Cache-Control', 'private, no-cache');
        }
        return writeHead(status, ...rest);
      }) as typeof res.writeHead;
      next();
    })().catch(next);
  };
}
