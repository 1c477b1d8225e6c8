import { KeyStore } from '../../src/auth/key-store';
import { runKeysCreate, runKeysList, runKeysRevoke, type Output } from '../../src/auth/keys-command';
import { parseScopeOptions, validateScope } from '../../src/auth/scope-input';
import { createTestDatabase, type TestDatabase } from '../support/test-database';

function capture(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) };
}

describe('scope options', () => {
  it('parse repeated --scope options, adding values of a repeated dimension', () => {
    expect(parseScopeOptions(['product=api,mobile-app', 'tier=enterprise', 'product= web '])).toEqual({
      product: ['api', 'mobile-app', 'web'],
      tier: ['enterprise'],
    });
  });

  it.each([
    [['product'], /--scope: expected dimension=value\[,value…\], got "product"/],
    [['product=api,'], /--scope product: empty value/],
  ])('refuse %j clearly', (options, message) => {
    expect(() => parseScopeOptions(options)).toThrow(message);
  });

  it('are checked against the dimensions and the contract values of closed ones', () => {
    expect(validateScope('partner', { channel: ['chat', 'email'], product: ['api'] })).toEqual({ channel: ['chat', 'email'], product: ['api'] });
    expect(() => validateScope('partner', { colour: ['red'] })).toThrow(
      'scope: unknown dimension "colour"; one of channel, product, tier, priority, team, agent',
    );
    expect(() => validateScope('partner', { channel: ['fax'] })).toThrow(/scope.channel: unknown value "fax"; one of email, chat/);
    expect(() => validateScope('partner', { priority: ['URGENT'] })).toThrow(/scope.priority: unknown value "URGENT"/);
  });
});

describe('deskmetrics keys', () => {
  let db: TestDatabase;
  let keys: KeyStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    keys = new KeyStore({ query: (sql, params) => db.dataSource.query(sql, params) });
  });
  afterAll(async () => db?.destroy());

  it('create prints the secret alone on stdout, once, and details on stderr', async () => {
    const io = capture();
    const code = await runKeysCreate(keys, { name: 'acme', role: 'partner', scope: ['product=api,mobile-app', 'tier=enterprise'] }, io);
    expect(code).toBe(0);
    expect(io.stdout).toHaveLength(1);
    expect(io.stdout[0]).toMatch(/^dmk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(io.stderr.join('\n')).toContain('Created partner key "acme" (scope: product=api,mobile-app tier=enterprise; expires: never)');
    const caller = await keys.authenticate(io.stdout[0]);
    expect(caller).toMatchObject({ role: 'partner', name: 'acme', scope: { product: ['api', 'mobile-app'], tier: ['enterprise'] } });
  });

  it('create refuses bad options with exit code 2, in command-line terms', async () => {
    const io = capture();
    expect(await runKeysCreate(keys, { name: 'x', role: 'partner', scope: ['channel=fax'] }, io)).toBe(2);
    expect(io.stderr).toEqual([expect.stringMatching(/^error: --scope channel: unknown value "fax"/)]);
    const dup = capture();
    expect(await runKeysCreate(keys, { name: 'acme', role: 'analyst' }, dup)).toBe(2);
    expect(dup.stderr).toEqual(['error: --name: a key named "acme" already exists']);
    expect(dup.stdout).toEqual([]);
  });

  it('list shows every key without secrets, and revoke refuses the key from then on', async () => {
    const created = capture();
    await runKeysCreate(keys, { name: 'ops', role: 'admin', expires: new Date('2099-01-01T00:00:00Z') }, created);
    const secret = created.stdout[0];
    expect(await runKeysRevoke(keys, 'ops', capture())).toBe(0);
    await expect(keys.authenticate(secret)).rejects.toThrow(/revoked/);
    const missing = capture();
    expect(await runKeysRevoke(keys, 'nobody', missing)).toBe(1);
    expect(missing.stderr[0]).toMatch(/no API key named "nobody"/);

    const io = capture();
    await runKeysList(keys, io);
    const lines = io.stdout.join('\n').split('\n');
    expect(lines[0]).toBe('name\trole\tstatus\tscope\tcreated\texpires\tlast used');
    expect(lines.find((l) => l.startsWith('ops\t'))).toMatch(/^ops\tadmin\trevoked\t-\t\S+\t2099-01-01T00:00:00.000Z\t-$/);
    expect(lines.find((l) => l.startsWith('acme\t'))).toMatch(/^acme\tpartner\tactive\tproduct=api,mobile-app tier=enterprise\t/);
    expect(io.stdout.join('\n')).not.toContain(secret.slice(-43));
  });
});
