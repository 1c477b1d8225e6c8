import { ApiError } from '../api/errors';
import type { Config } from '../config/config';
import { isProduction } from '../api/production-mode';
import type { Logger } from '../logging/logger';
import type { KeyStore } from './key-store';

/** The name of the admin key `deskmetrics serve` creates in an empty key store outside production. */
export const FIRST_KEY_NAME = 'local-admin';

/** Thrown when the server must not start: production mode with no API key. */
export class StartupRefused extends Error {}

/**
 * Makes sure requests can be authenticated before the server starts. With keys in the store, nothing to do. With none:
 * production refuses to start; otherwise an admin key is created and printed this once (to stdout, not the log), so
 * `npm start` works out of the box and still never serves anyone without a key. Returns the key it created, if any
 * (serve prints the dashboard link with it once it knows its port).
 */
export async function ensureAuthenticationConfigured(
  config: Config,
  keys: KeyStore,
  logger: Logger,
  print: (text: string) => void = console.log,
): Promise<string | null> {
  if ((await keys.count()) > 0) return null;
  if (isProduction(config)) {
    throw new StartupRefused(
      'refusing to start in production mode without API keys: create one with `deskmetrics keys create --role admin --name <name>` (see docs/security.md)',
    );
  }
  let token: string;
  try {
    ({ token } = await keys.create({ name: FIRST_KEY_NAME, role: 'admin' }));
  } catch (err) {
    // Another instance starting at the same moment created it first: authentication is configured either way.
    if (err instanceof ApiError && err.argument === 'name' && (await keys.count()) > 0) return null;
    throw err;
  }
  logger.warn({ key: FIRST_KEY_NAME }, 'the key store was empty: created an admin API key (printed once on stdout)');
  print(
    [
      '',
      `deskmetrics created the admin API key "${FIRST_KEY_NAME}". It is shown only this once; keep it:`,
      '',
      `    ${token}`,
      '',
      'Send it with every request as the header   Authorization: Bearer <key>',
      '(in the explorer: the Headers tab, {"Authorization": "Bearer <key>"}). More keys: deskmetrics keys create --help',
      '',
    ].join('\n'),
  );
  return token;
}

/**
 * The dashboard opened with the key in the URL fragment: browsers never send a fragment to a server, and the page
 * moves the key to sessionStorage and out of the address bar at once (dashboard/src/key.ts).
 */
export function dashboardLink(port: number, token: string): string {
  return `http://localhost:${port}/#key=${encodeURIComponent(token)}`;
}
