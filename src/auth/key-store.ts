import { ApiError, ErrorCode } from '../api/errors';
import { normaliseFilter, type SegmentFilter } from '../metrics/dimensions';
import type { SqlExecutor } from '../db/sql-executor';
import { generateKey, publicIdOf, tokenMatches } from './api-key-token';
import { ROLES, type Caller, type Role } from './caller';
import { validateScope } from './scope-input';
import { SqlState, sqlState } from '../db/sql-state';

/** A key as it is listed: everything but the secret (which is never stored). */
export interface ApiKeyRecord {
  id: string;
  name: string;
  role: Role;
  scope: SegmentFilter | null;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

/** What a new key is for; validated by KeyStore.create. */
export interface NewApiKey {
  name: string;
  role: string;
  scope?: Record<string, readonly string[] | null | undefined> | null;
  expiresAt?: Date | null;
}

type Row = {
  id: string;
  name: string;
  role: Role;
  scope: SegmentFilter | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
};

const COLUMNS = `id, name, role, scope, created_at, expires_at, revoked_at, last_used_at`;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;
/** last_used_at is written at most this often per key, so authentication does not write on every request. */
const LAST_USED_RESOLUTION_MS = 60_000;

const record = (r: Row): ApiKeyRecord => ({
  id: String(r.id),
  name: r.name,
  role: r.role,
  // jsonb keeps its own key order; the dimensions' order is the one people read.
  scope: r.scope ? normaliseFilter(r.scope) : null,
  createdAt: new Date(r.created_at),
  expiresAt: r.expires_at ? new Date(r.expires_at) : null,
  revokedAt: r.revoked_at ? new Date(r.revoked_at) : null,
  lastUsedAt: r.last_used_at ? new Date(r.last_used_at) : null,
});

const unauthenticated = (message: string) => new ApiError(ErrorCode.UNAUTHENTICATED, `Authorization: ${message}`, 'Authorization');

/** True for a unique violation of the named constraint (pg error 23505, as TypeORM passes it on). */
function isUniqueViolation(err: unknown, constraint: string): boolean {
  const e = err as { constraint?: string; driverError?: { constraint?: string } };
  const name = e?.constraint ?? e?.driverError?.constraint;
  return sqlState(err) === SqlState.UNIQUE_VIOLATION && (!name || name === constraint);
}

/** The API keys in the database: creating (secret returned once), listing, revoking, and authenticating presented keys. */
export class KeyStore {
  private readonly lastUsedWritten = new Map<string, number>();

  constructor(
    private readonly sql: Pick<SqlExecutor, 'query'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Creates a key; returns it and its secret text, which is not stored and cannot be shown again. */
  async create(input: NewApiKey): Promise<{ key: ApiKeyRecord; token: string }> {
    const name = input.name?.trim() ?? '';
    if (!NAME_PATTERN.test(name)) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, 'name: 1–100 letters, digits, ".", "_", "@" or "-", starting with a letter or digit', 'name');
    }
    if (!(ROLES as readonly string[]).includes(input.role)) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, `role: one of ${ROLES.join(', ')}`, 'role');
    }
    const role = input.role as Role;
    const scope = validateScope(role, input.scope);
    if (input.expiresAt && !(input.expiresAt.getTime() > this.now().getTime())) {
      throw new ApiError(ErrorCode.BAD_USER_INPUT, 'expiresAt: must be in the future', 'expiresAt');
    }
    const generated = generateKey();
    try {
      const [row] = await this.sql.query<Row>(
        `INSERT INTO api_keys (name, role, scope, public_id, secret_hash, expires_at) VALUES ($1, $2, $3::jsonb, $4, $5, $6) RETURNING ${COLUMNS}`,
        [name, role, scope ? JSON.stringify(scope) : null, generated.publicId, generated.secretHash, input.expiresAt ?? null],
      );
      return { key: record(row), token: generated.token };
    } catch (err) {
      if (isUniqueViolation(err, 'api_keys_name_key')) {
        throw new ApiError(ErrorCode.BAD_USER_INPUT, `name: a key named ${JSON.stringify(name)} already exists`, 'name');
      }
      throw err;
    }
  }

  /** Every key, newest first, without secrets. */
  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.sql.query<Row>(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at DESC, id DESC`, []);
    return rows.map(record);
  }

  /** Revokes the key of that name (keeping its revocation time if it was already revoked); null when there is none. */
  async revoke(name: string): Promise<ApiKeyRecord | null> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count] rather than the rows.
    const [row] = await this.sql.query<Row>(
      `WITH revoked AS (UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE name = $1 RETURNING ${COLUMNS}) SELECT * FROM revoked`,
      [name, this.now()],
    );
    return row ? record(row) : null;
  }

  /** How many keys exist, revoked and expired ones included: with any, authentication is configured. */
  async count(): Promise<number> {
    const [row] = await this.sql.query<{ n: string }>(`SELECT count(*) AS n FROM api_keys`, []);
    return Number(row.n);
  }

  /** The caller a presented key stands for; throws UNAUTHENTICATED for an unknown, wrong, revoked or expired key. */
  async authenticate(token: string): Promise<Caller> {
    const publicId = publicIdOf(token);
    if (!publicId) throw unauthenticated('not a deskmetrics API key (expected dmk_…)');
    const [row] = await this.sql.query<Row & { secret_hash: string }>(`SELECT ${COLUMNS}, secret_hash FROM api_keys WHERE public_id = $1`, [
      publicId,
    ]);
    // The same answer for an unknown id and a wrong secret: neither tells a guesser anything.
    if (!row || !tokenMatches(token, row.secret_hash)) throw unauthenticated('unknown API key');
    const key = record(row);
    const now = this.now();
    if (key.revokedAt) throw unauthenticated(`this API key was revoked at ${key.revokedAt.toISOString()}`);
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) throw unauthenticated(`this API key expired at ${key.expiresAt.toISOString()}`);
    return { role: key.role, scope: key.scope, keyId: key.id, name: key.name };
  }

  /** Records that a key was used, at most once a minute per key; resolves false when nothing was written. */
  async markUsed(keyId: string): Promise<boolean> {
    const now = this.now().getTime();
    const last = this.lastUsedWritten.get(keyId);
    if (last !== undefined && now - last < LAST_USED_RESOLUTION_MS) return false;
    this.lastUsedWritten.set(keyId, now);
    await this.sql.query(`UPDATE api_keys SET last_used_at = $2 WHERE id = $1`, [keyId, new Date(now)]);
    return true;
  }
}
