import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * An API key is `dmk_<public id>_<secret>`: the public id (12 hex characters) finds the key's row without revealing
 * anything, the secret (32 random bytes, base64url) is what proves possession. Only a SHA-256 hash of the whole key is
 * stored: the secret has 256 bits of entropy, so a fast hash is enough (no password stretching needed).
 */
const TOKEN_PATTERN = /^dmk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A freshly generated key: the text shown to its owner once, and what the database keeps. */
export interface GeneratedKey {
  token: string;
  publicId: string;
  secretHash: string;
}

/** Generates a new API key. */
export function generateKey(): GeneratedKey {
  const publicId = randomBytes(6).toString('hex');
  const token = `dmk_${publicId}_${randomBytes(32).toString('base64url')}`;
  return { token, publicId, secretHash: hashToken(token) };
}

/** The public id of a well-formed key, or null for anything else. */
export function publicIdOf(token: string): string | null {
  return TOKEN_PATTERN.exec(token)?.[1] ?? null;
}

/** The stored form of a key: hex SHA-256 of the whole key text. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** True when the key hashes to the stored hash; compares in constant time so timing reveals nothing about the hash. */
export function tokenMatches(token: string, storedHash: string): boolean {
  const actual = Buffer.from(hashToken(token), 'hex');
  const expected = Buffer.from(storedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
