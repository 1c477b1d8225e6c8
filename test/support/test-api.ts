import { DEVELOPMENT_CALLER, type Caller } from '../../src/auth/caller';
import { KeyStore, type NewApiKey } from '../../src/auth/key-store';
import { loadConfig, type Config } from '../../src/config/config';
import { createLogger, type Logger } from '../../src/logging/logger';
import { createApiServer, listen, type ApiServer } from '../../src/server/app';
import { uniqueRedisPrefix } from './redis';
import { createTestDatabase, type TestDatabase } from './test-database';

/** A GraphQL response as the HTTP API returns it. */
export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string; argument?: string } }[];
}

/** A running API on a random port over a fresh migrated database, with a statement counter on its SQL seam. */
export interface TestApi {
  db: TestDatabase;
  url: string;
  config: Config;
  /** SQL statements the API has issued since the last reset. */
  statements: string[];
  /** Runs before each statement of a request (and is awaited), e.g. to write between two statements of one request. */
  beforeStatement?: (sql: string) => void | Promise<void>;
  /** POSTs an operation; with `key`, as `Authorization: Bearer <key>` (with auth on, the admin key is the default). */
  graphql<T = any>(query: string, variables?: Record<string, unknown>, options?: { key?: string | null }): Promise<GraphQLResponse<T>>;
  /** POSTs a raw JSON body with extra headers and returns the HTTP response (status and headers included). */
  post(body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** With auth on: an admin key created at start. */
  adminKey: string | null;
  /** Creates an API key directly in the key store; returns its secret. */
  createKey(input: NewApiKey): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the real HTTP API (Express + Apollo) on a test database. By default every request is the given caller (the
 * unrestricted development caller unless `caller` is set); with `auth: true` requests need API keys, as in production.
 * With `db`, the API serves that database (a second server on it) and leaves it open on close. With REDIS_URL in the
 * environment, each API gets a Redis key prefix of its own unless `REDIS_KEY_PREFIX` is among the overrides.
 */
export async function startTestApi(
  overrides: Partial<Config> = {},
  options: { caller?: Caller; auth?: boolean; logger?: Logger; databaseEnv?: Record<string, string>; db?: TestDatabase } = {},
): Promise<TestApi> {
  const db = options.db ?? (await createTestDatabase(options.databaseEnv));
  const ownsDb = !options.db;
  const config = { ...loadConfig({ ...process.env, LOG_LEVEL: 'silent', REDIS_KEY_PREFIX: uniqueRedisPrefix() }), ...overrides };
  const statements: string[] = [];
  let server: ApiServer | undefined;
  try {
    server = await createApiServer({
      config,
      dataSource: db.dataSource,
      logger: options.logger ?? createLogger('silent'),
      onStatement: (sql) => {
        statements.push(sql);
        return api.beforeStatement?.(sql);
      },
      authentication: options.auth ? { kind: 'api-keys' } : { kind: 'fixed', caller: options.caller ?? DEVELOPMENT_CALLER },
    });
    const port = await listen(server, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    const keys = new KeyStore({ query: (sql, params) => db.dataSource.query(sql, params) });
    const createKey = async (input: NewApiKey) => (await keys.create(input)).token;
    // A second server on the same database needs an admin key of another name.
    const adminKey = options.auth ? await createKey({ name: ownsDb ? 'test-admin' : `test-admin-${port}`, role: 'admin' }) : null;
    const post = (body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    const api: TestApi = {
      db,
      url,
      config,
      statements,
      adminKey,
      createKey,
      post,
      async graphql(query, variables, { key = adminKey } = {}) {
        const res = await post({ query, variables }, key ? { authorization: `Bearer ${key}` } : {});
        return (await res.json()) as GraphQLResponse;
      },
      async close() {
        await server?.stop();
        if (ownsDb) await db.destroy();
      },
    };
    return api;
  } catch (err) {
    await server?.stop();
    if (ownsDb) await db.destroy();
    throw err;
  }
}
