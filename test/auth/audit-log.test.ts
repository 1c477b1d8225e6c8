import { redactVariables } from '../../src/auth/audit-plugin';
import { startTestApi, type TestApi } from '../support/test-api';

const MARCH = { from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };

describe('the audit log', () => {
  let api: TestApi;
  let partner: string;
  let analyst: string;
  beforeAll(async () => {
    api = await startTestApi({}, { auth: true });
    partner = await api.createKey({ name: 'acme', role: 'partner', scope: { product: ['api'] } });
    analyst = await api.createKey({ name: 'inhouse', role: 'analyst' });
  });
  afterAll(async () => api?.close());

  it('records who queried what and how it went, for partner keys, newest first', async () => {
    const since = new Date().toISOString();
    const ok = await api.graphql(
      `# a comment that is not kept
      query Volume($p: PeriodInput!) { ticketVolume(period: $p) { value } }`,
      { p: MARCH },
      { key: partner },
    );
    expect(ok.errors).toBeUndefined();
    const refused = await api.graphql(`query Peek { ticketVolume(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }, product: ["billing"]) { value } }`, undefined, {
      key: partner,
    });
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await api.graphql(`{ healthy }`, undefined, { key: analyst });

    const log = await api.graphql(`query($since: DateTime) { auditLog(since: $since) { keyName role operationName query variables status errorCodes cost durationMs queryHash } }`, {
      since,
    });
    expect(log.errors).toBeUndefined();
    expect(log.data.auditLog).toEqual([
      expect.objectContaining({ keyName: 'acme', role: 'partner', operationName: 'Peek', status: 'error', errorCodes: ['FORBIDDEN'], variables: null }),
      expect.objectContaining({
        keyName: 'acme',
        role: 'partner',
        operationName: 'Volume',
        query: 'query Volume($p:PeriodInput!){ticketVolume(period:$p){value}}',
        status: 'ok',
        errorCodes: [],
      }),
    ]);
    // jsonb keeps its own key order, so the variables are compared as values.
    expect(JSON.parse(log.data.auditLog[1].variables)).toEqual({ p: MARCH });
    for (const entry of log.data.auditLog) {
      expect(entry.cost).toBeGreaterThan(0);
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      expect(entry.queryHash).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('filters by key name and never stores a secret', async () => {
    const byName = await api.graphql(`{ auditLog(keyName: "acme", limit: 1) { keyName } }`);
    expect(byName.data.auditLog).toEqual([{ keyName: 'acme' }]);
    const none = await api.graphql(`{ auditLog(keyName: "inhouse") { keyName } }`);
    expect(none.data.auditLog).toEqual([]);
    const rows = JSON.stringify(await api.db.dataSource.query(`SELECT * FROM audit_log`));
    expect(rows).not.toContain('dmk_');
    expect(rows).not.toContain(partner.slice(-43));
  });

  it('refuses a limit outside 1..AUDIT_LOG_MAX_ROWS, naming it', async () => {
    const res = await api.graphql(`{ auditLog(limit: 0) { keyName } }`);
    expect(res.errors?.[0]).toMatchObject({ message: 'limit: must be between 1 and 1000 (AUDIT_LOG_MAX_ROWS)', extensions: { code: 'BAD_USER_INPUT', argument: 'limit' } });
  });

  it('redacts variables whose names look like secrets, at any depth', () => {
    expect(redactVariables({ product: ['api'], token: 'x', input: { apiKey: 'y', password: 'z', name: 'n' } })).toEqual({
      product: ['api'],
      token: '[redacted]',
      input: { apiKey: '[redacted]', password: '[redacted]', name: 'n' },
    });
  });
});
