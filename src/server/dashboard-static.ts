import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express } from 'express';
import { projectRoot } from '../config/project-root';
import type { Logger } from '../logging/logger';

/** Where `npm run build` puts the reference dashboard (dashboard/, built by Vite). */
export const DASHBOARD_DIST = join(projectRoot(), 'dashboard', 'dist');

// The page is served by the API itself, so it is same-origin: no CORS, and nothing loaded from anywhere else.
// Inline styles: ECharts' SVG renderer and React set style attributes.
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * Serves the built dashboard at `/`. Its hashed assets are cached for good; index.html is always revalidated so a new
 * build shows at once. Without a build (sources run without `npm run build`), `/` leads to the explorer as before.
 */
export function mountDashboard(app: Express, logger: Logger, dir: string = DASHBOARD_DIST): void {
  if (!existsSync(join(dir, 'index.html'))) {
    logger.warn({ dir }, 'dashboard not built (npm run build): / leads to the explorer at /graphql');
    app.get('/', (_req, res) => res.redirect('/graphql'));
    return;
  }
  app.use(
    '/',
    express.static(dir, {
      index: 'index.html',
      redirect: false,
      setHeaders(res, path) {
        res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Cache-Control', path.includes(`${join(dir, 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
}
