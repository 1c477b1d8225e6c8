import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Role, SegmentFilter } from '../domain';

/** An API key: who it is for, what it may do, and a hash of its secret (the secret itself is never stored). */
@Entity('api_keys')
@Index('api_keys_name_key', ['name'], { unique: true })
@Index('api_keys_public_id_key', ['publicId'], { unique: true })
@Check('api_keys_role_check', `"role" IN ('admin', 'analyst', 'partner', 'ingest')`)
// A partner without a scope would see everything; admins and analysts see everything anyway, ingest keys nothing.
@Check('api_keys_scope_check', `("role" = 'partner') = ("scope" IS NOT NULL)`)
export class ApiKey {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  role: Role;

  /** Partners: allowed values per dimension (normalised); null for admins and analysts. */
  @Column({ type: 'jsonb', nullable: true })
  scope: SegmentFilter | null;

  /** The key's public part (`dmk_<public id>_…`), how a presented key finds its row. */
  @Column({ name: 'public_id', type: 'text' })
  publicId: string;

  /** Hex SHA-256 of the whole key. */
  @Column({ name: 'secret_hash', type: 'text' })
  secretHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  /** Updated at most once a minute per key, so authentication does not write on every request. */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
