import { DEVELOPMENT_CALLER } from '../../src/auth/caller';
import { ensureAuthenticationConfigured, FIRST_KEY_NAME, StartupRefused } from '../../src/auth/first-key';
import { KeyStore } from '../../src/auth/key-store';
import { ConfigError, loadConfig } from '../../src/config/config';
import { checkServerSettings } from '../../src/api/production-mode';
import { createLogger } from '../../src/logging/logger';
import { createApiServer } from '../../src/server/app';
import { startTestApi, type TestApi } from '../support/test-api';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

const INTROSPECTION = `{ __schema { queryType { name } types { name fields { name } } } }`;
// What a prober would look for: type and field names, suggestions, stack traces.
const SCHEMA_DETAILS = /ticketVolume|TicketMetric|__schema"|Did you mean|stacktrace|at .*\.js/;

describe('production mode', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startTestApi({ NODE_ENV: 'production' }, { auth: true });
  });
  afterAll(async () => api?.close());

  it.each([
    ['introspection', INTROSPECTION],
    ['a misspelt field', '{ ticketVolum }'],
    ['a query', '{ healthy }'],
  ])('gives an unauthenticated %s no schema details, only 401', async (_case, query) => {
    const res = await api.post({ query });
    expect(res.status).toBe(401);
    const text = await res.text();
    expect(text).not.toMatch(SCHEMA_DETAILS);
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED', argument: 'Authorization' } }],
    });
  });

  it('does not serve the explorer', async () => {
    const res = await fetch(`${api.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await res.text()).not.toContain('<div id="root">');
  });

  it('lets authenticated keys introspect, without suggesting field names', async () => {
    const partner = await api.createKey({ name: 'prod-partner', role: 'partner', scope: { product: ['api'] } });
    const schema = await api.graphql(INTROSPECTION, undefined, { key: partner });
    expect(schema.errors).toBeUndefined();
    expect(schema.data.__schema.queryType).toEqual({ name: 'Query' });
    const typo = await api.graphql('{ ticketVolum }', undefined, { key: partner });
    expect(typo.errors?.[0].message).toBe('Cannot query field "ticketVolum" on type "Query".');
  });

  it('cannot be served to a fixed caller, only with API keys', async () => {
    const db = await createTestDatabase();
    try {
      const config = { ...loadConfig({ LOG_LEVEL: 'silent' }), NODE_ENV: 'production' };
      await expect(
        createApiServer({
          config,
          dataSource: db.dataSource,
          logger: createLogger('silent'),
          authentication: { kind: 'fixed', caller: DEVELOPMENT_CALLER },
        }),
      ).rejects.toThrow(/production mode serves only requests with API keys/);
    } finally {
      await db.destroy();
    }
  });

  it('requires a statement timeout', () => {
    expect(() => checkServerSettings({ ...loadConfig({}), NODE_ENV: 'production', DATABASE_STATEMENT_TIMEOUT_MS: 0 })).toThrow(ConfigError);
    expect(() => checkServerSettings({ ...loadConfig({}), NODE_ENV: 'development', DATABASE_STATEMENT_TIMEOUT_MS: 0 })).not.toThrow();
  });

  it('still serves the explorer when DESKMETRICS_EXPLORER=on says so', async () => {
    const withExplorer = await startTestApi({ NODE_ENV: 'production', DESKMETRICS_EXPLORER: 'on' }, { auth: true });
    try {
      const res = await fetch(`${withExplorer.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await res.text()).toContain('<div id="root">');
    } finally {
      await withExplorer.close();
    }
  });
});

describe('development mode, for contrast', () => {
  it('suggests field names to authenticated callers', async () => {
    const api = await startTestApi({ NODE_ENV: 'development' }, { auth: true });
    try {
      const typo = await api.graphql('{ ticketVolum }');
      expect(typo.errors?.[0].message).toMatch(/Did you mean "ticketVolume"/);
    } finally {
      await api.close();
    }
  });
});

describe('starting with an empty key store', () => {
  let db: TestDatabase;
  let keys: KeyStore;
  beforeEach(async () => {
    db = await createTestDatabase();
    keys = new KeyStore({ query: (sql, params) => db.dataSource.query(sql, params) });
  });
  afterEach(async () => db?.destroy());

  it('refuses in production mode, saying how to create a key', async () => {
    const config = { ...loadConfig({}), NODE_ENV: 'production' };
    await expect(ensureAuthenticationConfigured(config, keys, createLogger('silent'), () => undefined)).rejects.toThrow(StartupRefused);
    await expect(ensureAuthenticationConfigured(config, keys, createLogger('silent'), () => undefined)).rejects.toThrow(
      /deskmetrics keys create --role admin/,
    );
    expect(await keys.count()).toBe(0);
  });

  it('creates an admin key in development and prints it once; later starts print nothing', async () => {
    const config = { ...loadConfig({}), NODE_ENV: 'development' };
    const printed: string[] = [];
    await ensureAuthenticationConfigured(config, keys, createLogger('silent'), (t) => printed.push(t));
    expect(printed).toHaveLength(1);
    const token = /dmk_\S+/.exec(printed[0])![0];
    expect(await keys.authenticate(token)).toMatchObject({ role: 'admin', name: FIRST_KEY_NAME });
    await ensureAuthenticationConfigured(config, keys, createLogger('silent'), (t) => printed.push(t));
    expect(printed).toHaveLength(1);
    expect(await keys.count()).toBe(1);
  });

  it('does not recreate a key once every key is revoked (authentication stays on)', async () => {
    await keys.create({ name: 'only', role: 'admin' });
    await keys.revoke('only');
    const printed: string[] = [];
    await ensureAuthenticationConfigured({ ...loadConfig({}), NODE_ENV: 'development' }, keys, createLogger('silent'), (t) => printed.push(t));
    expect(printed).toEqual([]);
  });
});
