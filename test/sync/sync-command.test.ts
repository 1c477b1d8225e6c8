import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../../src/config/config';
import { retryAfterMs } from '../../src/sync/http-client';
import { parseEvery, parseSince, runSyncCommand } from '../../src/sync/sync-command';
import { failAtFromEnv } from '../../src/sync/sync-engine';
import { parseZendeskConfig } from '../../src/sync/zendesk/zendesk-config';
import { zendeskAccountFromEnv } from '../../src/sync/zendesk/zendesk-source';
import { FakeZendesk } from './fake-zendesk';
import { CONFIG, history, SINCE } from './zendesk-history';

// The command line around the sync: settings checked before anything runs, errors naming the field, output like
// `import`, the token never shown.

const capture = () => {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    output: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } },
  };
};

describe('the zendesk config file', () => {
  it('gives the documented defaults when absent', () => {
    const config = parseZendeskConfig({});
    expect(config).toMatchObject({ defaultChannel: 'web', tier: { default: 'unknown' }, satisfaction: { good: 5, bad: 1 }, requestsPerMinute: 10 });
    expect(config.bots.via).toContain('rule');
  });

  it('names every bad field', () => {
    let message = '';
    try {
      parseZendeskConfig(
        { product: { customFieldId: 'abc' }, tier: { dflt: 'x' }, channels: { api: 'fax' }, satisfaction: { good: 7 } },
        'zendesk.json',
      );
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message.split('\n').sort()).toEqual([
      expect.stringMatching(/^zendesk\.json: channels\.api — .*"messaging"/),
      'zendesk.json: product.customFieldId — must be a Zendesk id (digits)',
      expect.stringMatching(/^zendesk\.json: satisfaction\.good — .*5/),
      'zendesk.json: tier — Unrecognized key: "dflt"',
    ]);
  });
});

describe('the environment and arguments', () => {
  it('names each missing variable, never a value', () => {
    expect(() => zendeskAccountFromEnv({ ZENDESK_API_TOKEN: ' ' })).toThrow(
      /ZENDESK_SUBDOMAIN — required[\s\S]*ZENDESK_EMAIL — required[\s\S]*ZENDESK_API_TOKEN — required/,
    );
    expect(() => zendeskAccountFromEnv({ ZENDESK_SUBDOMAIN: 'acme.zendesk.com', ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 'secret' })).toThrow(
      /ZENDESK_SUBDOMAIN — must be the subdomain only/,
    );
    expect(zendeskAccountFromEnv({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 'secret' }).baseUrl).toBe(
      'https://acme.zendesk.com',
    );
    expect(
      zendeskAccountFromEnv({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_URL: 'http://127.0.0.1:9/zd/', ZENDESK_EMAIL: 'a@b.c', ZENDESK_API_TOKEN: 's' })
        .baseUrl,
    ).toBe('http://127.0.0.1:9/zd');
  });

  it('reads --since, --every and Retry-After', () => {
    expect(parseSince('2025-03-01')).toEqual(new Date('2025-03-01T00:00:00Z'));
    expect(parseSince('2025-03-01T10:00:00+02:00')).toEqual(new Date('2025-03-01T08:00:00Z'));
    expect(() => parseSince('2025-03-01T10:00:00')).toThrow(/--since must be/);
    expect(parseEvery('5m')).toBe(300_000);
    expect(() => parseEvery('5')).toThrow(/--every must be/);
    expect(() => parseEvery('1s')).toThrow(/at least 10s/);
    expect(retryAfterMs('2', 0)).toBe(2000);
    expect(retryAfterMs('Thu, 01 Jan 1970 00:00:05 GMT', 1000)).toBe(4000);
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });

  it('checks DESKMETRICS_SYNC_FAIL_AT', () => {
    expect(failAtFromEnv(undefined)).toBeUndefined();
    expect(failAtFromEnv('mid-page:2')).toEqual(expect.any(Function));
    expect(() => failAtFromEnv('somewhere:1')).toThrow(
      /DESKMETRICS_SYNC_FAIL_AT must be <checkpoint>:<n> with a checkpoint of page-fetched, mid-page/,
    );
    expect(() => failAtFromEnv('mid-page:0')).toThrow(/n ≥ 1/);
  });
});

describe('deskmetrics sync zendesk (runSyncCommand)', () => {
  let fake: FakeZendesk;
  let configFile: string;
  const schema = `test_sync_cli_${process.pid}_${randomBytes(4).toString('hex')}`;
  const config = () =>
    loadConfig({ ...process.env, DESKMETRICS_DATA_DIR: 'memory://', DATABASE_SCHEMA: process.env.DATABASE_URL ? schema : undefined });
  beforeAll(async () => {
    fake = await new FakeZendesk(history()).start();
    configFile = join(mkdtempSync(join(tmpdir(), 'deskmetrics-sync-')), 'zendesk.json');
    writeFileSync(configFile, JSON.stringify({ ...CONFIG, requestsPerMinute: 1000 }));
  });
  afterAll(async () => {
    await fake?.close();
    if (process.env.DATABASE_URL) {
      const client = new Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  });

  it('refuses a bad config file naming the field, before touching the database', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'deskmetrics-sync-')), 'zendesk.json');
    writeFileSync(bad, JSON.stringify({ tier: { organizationField: 3 } }));
    const { out, output } = capture();
    expect(await runSyncCommand(config(), { config: bad, since: SINCE }, output, { env: fake.env })).toBe(2);
    expect(out.stderr).toMatch(/^zendesk\.json: tier\.organizationField — /m);
  });

  it('syncs with progress on stderr and a summary table on stdout; repeats with --watch; never shows the token', async () => {
    const { out, output } = capture();
    const waits: number[] = [];
    fake.fail('/incremental/users/', 429, { 'retry-after': '0' });
    const code = await runSyncCommand(config(), { config: configFile, since: SINCE, watch: true, every: '1m' }, output, {
      env: fake.env,
      sleep: async (ms) => {
        waits.push(ms);
      },
      maxRuns: 2,
    });
    expect(code).toBe(0);
    expect(out.stderr).toContain(`syncing Zendesk at ${fake.url} (as ops@acme.test)`);
    expect(out.stderr).toMatch(/^tickets: page 3, 6 records, up to 2025-03-07T11:00:00Z$/m);
    expect(out.stderr).toMatch(/^429 Too Many Requests on \/api\/v2\/incremental\/users\/cursor\.json: retrying in 0\.0 s/m);
    expect(out.stderr).toContain('next sync in 60 s');
    expect(waits).toContain(60_000);
    // Two runs: the second finds everything unchanged.
    const tables = out.stdout.split(/^Synced .*$/m);
    expect(tables).toHaveLength(3);
    expect(tables[0]).toMatch(/^tickets\s+3\s+6\s+6\s+0\s+0\s+0\s+0\s+2025-03-07T11:00:00Z$/m);
    expect(tables[1]).toMatch(/^tickets\s+1\s+0\s+0\s+0\s+0\s+0\s+0\s+2025-03-07T11:00:00Z$/m);
    expect(out.stdout).toContain('users: skipped 1 end users of an organization (the organization is the customer)');
    expect(out.stdout).toContain('satisfaction_ratings: skipped 1 satisfaction ratings offered but not answered');
    expect(out.stdout + out.stderr).not.toContain(fake.env.ZENDESK_API_TOKEN);
  });

  it('says what the API refused, without the token', async () => {
    const { out, output } = capture();
    const env = { ...fake.env, ZENDESK_API_TOKEN: 'wrong-token-XYZ' };
    expect(await runSyncCommand(config(), { since: SINCE }, output, { env })).toBe(2);
    expect(out.stderr).toMatch(/^error: .*answered 401 Unauthorized: \{"error":"Couldn't authenticate you"\}$/m);
    expect(out.stdout + out.stderr).not.toContain('wrong-token-XYZ');
  });
});
