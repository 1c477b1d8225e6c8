import { Command, InvalidArgumentError, Option } from 'commander';
import { ApiError } from '../api/errors';
import { loadConfig } from '../config/config';
import { openMigratedDatabase } from '../metrics/rollups/migrated-database';
import type { SegmentFilter } from '../metrics/dimensions';
import { ROLES } from './caller';
import { KeyStore, type ApiKeyRecord } from './key-store';
import { parseScopeOptions } from './scope-input';

/** Where command output goes (stdout/stderr in the CLI; captured in tests). */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

const CONSOLE: Output = { out: (t) => console.log(t), err: (t) => console.error(t) };

/** The command-line option each argument of the key store's errors stands for. */
const OPTION_OF: Record<string, string> = { name: '--name', role: '--role', scope: '--scope', expiresAt: '--expires' };

/** An ApiError's message in command-line terms ("--scope channel: …" rather than "scope.channel: …"). */
function cliMessage(err: ApiError): string {
  return err.message.replace(/^(\w+)(\.(\w+))?:/, (_m, arg: string, _d, dim?: string) => `${OPTION_OF[arg] ?? arg}${dim ? ` ${dim}` : ''}:`);
}

const scopeText = (scope: SegmentFilter | null) =>
  scope
    ? Object.entries(scope)
        .map(([d, v]) => `${d}=${v!.join(',')}`)
        .join(' ')
    : '-';
const statusOf = (k: ApiKeyRecord, now: Date) => (k.revokedAt ? 'revoked' : k.expiresAt && k.expiresAt <= now ? 'expired' : 'active');
const isoOrDash = (d: Date | null) => (d ? d.toISOString() : '-');

function parseExpiry(raw: string): Date {
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw);
  if (Number.isNaN(date.getTime())) throw new InvalidArgumentError('expected a date (YYYY-MM-DD, UTC midnight) or an ISO date-time');
  return date;
}

/** `keys create`: prints the new key's secret once; returns the exit code (2 for bad input). */
export async function runKeysCreate(
  keys: KeyStore,
  opts: { name: string; role: string; scope?: string[]; expires?: Date },
  output: Output = CONSOLE,
): Promise<number> {
  try {
    const scope = opts.scope?.length ? parseScopeOptions(opts.scope) : null;
    const { key, token } = await keys.create({ name: opts.name, role: opts.role, scope, expiresAt: opts.expires ?? null });
    output.err(
      `Created ${key.role} key "${key.name}" (scope: ${scopeText(key.scope)}; expires: ${key.expiresAt ? key.expiresAt.toISOString() : 'never'}).`,
    );
    output.err('Its secret follows, shown only this once (only a hash is stored). Send it as "Authorization: Bearer <key>".');
    output.out(token);
    return 0;
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    output.err(`error: ${cliMessage(err)}`);
    return 2;
  }
}

/** `keys list`: every key without secrets, one per line (tab-separated, with a header). */
export async function runKeysList(keys: KeyStore, output: Output = CONSOLE, now = new Date()): Promise<number> {
  const rows = (await keys.list()).map((k) => [
    k.name,
    k.role,
    statusOf(k, now),
    scopeText(k.scope),
    isoOrDash(k.createdAt),
    isoOrDash(k.expiresAt),
    isoOrDash(k.lastUsedAt),
  ]);
  output.out([['name', 'role', 'status', 'scope', 'created', 'expires', 'last used'], ...rows].map((r) => r.join('\t')).join('\n'));
  return 0;
}

/** `keys revoke <name>`: refuses the key from now on; exit code 1 when there is no such key. */
export async function runKeysRevoke(keys: KeyStore, name: string, output: Output = CONSOLE): Promise<number> {
  const key = await keys.revoke(name);
  if (!key) {
    output.err(`error: no API key named ${JSON.stringify(name)} (see deskmetrics keys list)`);
    return 1;
  }
  output.err(`Revoked key "${key.name}" (at ${key.revokedAt!.toISOString()}).`);
  return 0;
}

/** Runs a key command against the configured database (migrated first, like every command). */
async function withKeyStore(work: (keys: KeyStore) => Promise<number>): Promise<void> {
  const db = await openMigratedDatabase(loadConfig(), { command: 'keys', onWait: (message) => console.error(message) });
  try {
    process.exitCode = await work(new KeyStore({ query: (sql, params) => db.dataSource.query(sql, params) }));
  } finally {
    await db.close();
  }
}

/** The `keys` command group: create, list, revoke. */
export function keysCommand(): Command {
  const keys = new Command('keys').description('manage API keys (secrets are shown once, at creation, and stored only as hashes)');
  keys
    .command('create')
    .description('create an API key and print its secret once')
    .requiredOption('--name <name>', 'unique name, e.g. the partner')
    .addOption(new Option('--role <role>', 'what the key may do').choices([...ROLES]).makeOptionMandatory())
    .option(
      '--scope <dimension=values>',
      'partners: allowed values of a dimension, e.g. product=api,mobile-app (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--expires <date>', 'expiry: YYYY-MM-DD (UTC midnight) or an ISO date-time', parseExpiry)
    .action(async (opts: { name: string; role: string; scope?: string[]; expires?: Date }) => withKeyStore((store) => runKeysCreate(store, opts)));
  keys
    .command('list')
    .description('list every key (no secrets)')
    .action(async () => withKeyStore((store) => runKeysList(store)));
  keys
    .command('revoke')
    .description('revoke a key at once')
    .argument('<name>', "the key's name")
    .action(async (name: string) => withKeyStore((store) => runKeysRevoke(store, name)));
  return keys;
}
