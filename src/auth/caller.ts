import type { Scope } from '../metrics/scope';
import { ROLES, type Role } from '../data/domain';

// Roles are stored with the keys (data/domain.ts); auth code keeps importing them from here.
export { ROLES, type Role };

/** Who is asking: the role and scope of the API key used (or of the unauthenticated development mode). */
export interface Caller {
  role: Role;
  /** Allowed values per dimension for partners; null = everything. */
  scope: Scope;
  /** The API key's id, for the audit log; null when no key was used. */
  keyId: string | null;
  /** A label for logs: the key's name, or 'development'. */
  name: string;
}

/** The caller of an unauthenticated request when authentication is off (local development). */
export const DEVELOPMENT_CALLER: Caller = { role: 'admin', scope: null, keyId: null, name: 'development' };

/** Whether a role may read data (GraphQL and its exports): every role but ingest, whose keys only write records. */
export function mayRead(role: Role): boolean {
  return role !== 'ingest';
}

/** The roles that may send records to POST /ingest/<entity> (docs/ingest.md). */
export const INGEST_ROLES: readonly Role[] = ['ingest', 'admin'];
