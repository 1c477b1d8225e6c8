import cors from 'cors';
import type { RequestHandler } from 'express';

/** Response headers a page may read: the rate limit's, so a dashboard can back off (src/limits/rate-limit.ts). */
const EXPOSED_HEADERS = ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy', 'ETag'];
// apollo-require-preflight: Apollo's CSRF prevention accepts a GET from a page that sends it.
const ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'apollo-require-preflight'];
// Browsers cap it lower (Chromium: 2 hours); ten minutes keeps a changed setting effective soon.
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the listed origins (CORS_ORIGINS): a preflight from one of them gets 204 with the allowed headers, and every
 * response to it, errors included, carries Access-Control-Allow-Origin echoing it (with Vary: Origin). Other origins
 * get no CORS header at all, so the browser keeps their pages from reading anything. Keys travel in the
 * Authorization header, never in cookies, so credentials are not allowed.
 */
export function corsMiddleware(origins: readonly string[]): RequestHandler | undefined {
  if (origins.length === 0) return undefined;
  const anyOrigin = origins.includes('*');
  const listed = new Set(origins);
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && (anyOrigin || listed.has(origin)) ? origin : false),
    methods: ['GET', 'POST', 'OPTIONS'],
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
    optionsSuccessStatus: 204,
  });
}
