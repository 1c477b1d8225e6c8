import type { Caller } from '../../src/auth/caller';
import { loadConfig, type Config } from '../../src/config/config';
import { createLogger } from '../../src/logging/logger';
import type { SqlExecutor } from '../../src/metrics/metric-loaders';
import { createApiServer, dataSourceExecutor, listen, type ApiServer } from '../../src/server/app';
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
  graphql<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  close(): Promise<void>;
}

/** Starts the real HTTP API (Express + Apollo) on a test database. */
export async function startTestApi(overrides: Partial<Config> = {}, options: { caller?: Caller } = {}): Promise<TestApi> {
  const db = await createTestDatabase();
  const config = { ...loadConfig({ ...process.env, LOG_LEVEL: 'silent' }), ...overrides };
  const statements: string[] = [];
  const inner = dataSourceExecutor(db.dataSource);
  const executor: SqlExecutor = {
    query(sql, params) {
      statements.push(sql);
      return inner.query(sql, params);
    },
    transaction(work) {
      return inner.transaction((tx) =>
        work({
          query(sql, params) {
            statements.push(sql);
            return tx.query(sql, params);
          },
        }),
      );
    },
  };
  let server: ApiServer | undefined;
  try {
    server = await createApiServer({
      config,
      dataSource: db.dataSource,
      logger: createLogger('silent'),
      executor,
      callerOf: options.caller ? () => options.caller! : undefined,
    });
    const port = await listen(server, 0, '127.0.0.1');
    const url = `http://127.0.0.1:${port}`;
    return {
      db,
      url,
      config,
      statements,
      async graphql(query, variables) {
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        });
        return (await res.json()) as GraphQLResponse;
      },
      async close() {
        await server?.stop();
        await db.destroy();
      },
    };
  } catch (err) {
    await server?.stop();
    await db.destroy();
    throw err;
  }
}
