import { createHash } from 'node:crypto';
import { AuditLog, type AuditRecord } from '../../src/auth/audit-log';
import { redactVariables } from '../../src/auth/audit-plugin';
import { createLogger } from '../../src/logging/logger';
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
    const refused = await api.graphql(
      `query Peek { ticketVolume(period: { from: "2025-03-01T00:00:00Z", to: "2025-04-01T00:00:00Z" }, product: ["billing"]) { value } }`,
      undefined,
      {
        key: partner,
      },
    );
    expect(refused.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    await api.graphql(`{ healthy }`, undefined, { key: analyst });

    const log = await api.graphql(
      `query($since: DateTime) { auditLog(since: $since) { keyName role operationName query variables status errorCodes cost durationMs queryHash } }`,
      {
        since,
      },
    );
    expect(log.errors).toBeUndefined();
    expect(log.data.auditLog).toEqual([
      expect.objectContaining({
        keyName: 'acme',
        role: 'partner',
        operationName: 'Peek',
        status: 'error',
        errorCodes: ['FORBIDDEN'],
        variables: null,
      }),
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
    expect(res.errors?.[0]).toMatchObject({
      message: 'limit: must be between 1 and 1000 (AUDIT_LOG_MAX_ROWS)',
      extensions: { code: 'BAD_USER_INPUT', argument: 'limit' },
    });
  });

  describe('records what ran, whatever the caller sends beside it', () => {
    const VOLUME = 'query Volume($p:PeriodInput!){ticketVolume(period:$p){value}}';
    let acme2: string;
    beforeAll(async () => {
      acme2 = await api.createKey({ name: 'acme2', role: 'partner', scope: { product: ['api'] } });
    });
    /** This file's audit entries since `since`, oldest first, variables parsed. */
    const entriesSince = async (since: string) => {
      const log = await api.graphql(
        `query($since: DateTime) { auditLog(since: $since) { keyName operationName query queryHash variables errorCodes } }`,
        { since },
      );
      expect(log.errors).toBeUndefined();
      return (log.data.auditLog as { query: string; variables: string | null }[])
        .reverse()
        .map((e) => ({ ...e, variables: e.variables === null ? null : JSON.parse(e.variables) }));
    };

    it('keeps a batch whose entry holds a NUL character, and every other entry in it', async () => {
      const since = new Date().toISOString();
      // Both requests are queued before the auditLog query flushes them, so they are written in one batch.
      const bad = await api.graphql(`query Who($k: String) { auditLog(keyName: $k) { keyName } }`, { k: 'a\u0000b' }, { key: partner });
      expect(bad.errors).toBeDefined();
      const good = await api.graphql(VOLUME, { p: MARCH }, { key: acme2 });
      expect(good.errors).toBeUndefined();
      expect(await entriesSince(since)).toEqual([
        expect.objectContaining({ keyName: 'acme', operationName: 'Who', variables: { k: 'a\ufffdb' } }),
        expect.objectContaining({ keyName: 'acme2', operationName: 'Volume', variables: { p: MARCH } }),
      ]);
    });

    it('records a persisted-query replay with its query', async () => {
      const since = new Date().toISOString();
      const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(VOLUME).digest('hex') };
      const headers = { authorization: `Bearer ${partner}` };
      expect((await api.post({ query: VOLUME, variables: { p: MARCH }, extensions: { persistedQuery } }, headers)).status).toBe(200);
      const replay = await api.post({ variables: { p: MARCH }, extensions: { persistedQuery } }, headers);
      expect(await replay.json()).toEqual({ data: { ticketVolume: { value: 0 } } });
      const entries = await entriesSince(since);
      expect(entries.map((e) => e.query)).toEqual([VOLUME, VOLUME]);
    });

    it('records the variables the operation used, however large the unused ones', async () => {
      const since = new Date().toISOString();
      const res = await api.graphql(VOLUME, { p: MARCH, padding: 'x'.repeat(10_001) }, { key: partner });
      expect(res.errors).toBeUndefined();
      expect((await entriesSince(since))[0]).toMatchObject({ variables: { p: MARCH } });
    });

    it('records the executed operation and its fragments, not a decoy beside it', async () => {
      const since = new Date().toISOString();
      const decoy = `query Decoy { auditLog(keyName: "${'d'.repeat(10_000)}") { ...Key } } fragment Key on AuditEntryInfo { keyName }`;
      const real = 'query Real($p: PeriodInput!) { ticketVolume(period: $p) { ...V } } fragment V on TicketMetric { value }';
      const res = await api.post(
        { query: `${decoy}\n${real}`, operationName: 'Real', variables: { p: MARCH } },
        { authorization: `Bearer ${partner}` },
      );
      expect(((await res.json()) as { errors?: unknown }).errors).toBeUndefined();
      const [entry] = await entriesSince(since);
      const recorded = 'query Real($p:PeriodInput!){ticketVolume(period:$p){...V}}fragment V on TicketMetric{value}';
      expect(entry).toMatchObject({ operationName: 'Real', query: recorded, queryHash: createHash('sha256').update(recorded).digest('hex') });
    });

    it('writes the rest of a batch when the database refuses one entry', async () => {
      const since = new Date();
      const writer = new AuditLog({ query: (sql, params) => api.db.dataSource.query(sql, params) }, createLogger('silent'));
      const entry = (keyName: string, status: string): AuditRecord => ({
        at: new Date(),
        keyId: null,
        keyName,
        role: 'partner',
        operationName: null,
        queryHash: 'h',
        query: '{ healthy }',
        variables: null,
        durationMs: 1,
        status: status as 'ok',
        errorCodes: [],
        cost: 1,
      });
      // A status outside the table's check constraint: the database refuses that row whatever its text holds.
      writer.record(entry('before', 'ok'));
      writer.record(entry('refused', 'neither'));
      writer.record(entry('after', 'error'));
      await writer.flush();
      const rows: { key_name: string }[] = await api.db.dataSource.query(
        `SELECT key_name FROM audit_log WHERE at >= $1 AND query_hash = 'h' ORDER BY id`,
        [since],
      );
      expect(rows.map((r) => r.key_name)).toEqual(['before', 'after']);
    });
  });

  it('redacts variables whose names look like secrets, at any depth', () => {
    expect(redactVariables({ product: ['api'], token: 'x', input: { apiKey: 'y', password: 'z', name: 'n' } })).toEqual({
      product: ['api'],
      token: '[redacted]',
      input: { apiKey: '[redacted]', password: '[redacted]', name: 'n' },
    });
  });
});
