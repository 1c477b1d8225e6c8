import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ApiKey } from './api-key.entity';

/** One GraphQL request made with an API key: who asked what, when, and how it went. No secrets are recorded. */
@Entity('audit_log')
@Index('audit_log_at_idx', ['at'])
@Index('audit_log_key_name_at_idx', ['keyName', 'at'])
@Check('audit_log_status_check', `"status" IN ('ok', 'error')`)
export class AuditEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'timestamptz' })
  at: Date;

  /** Null once the key is deleted from the database by hand (keys are revoked, not deleted, by deskmetrics). */
  @Column({ name: 'key_id', type: 'bigint', nullable: true })
  keyId: string | null;

  @ManyToOne(() => ApiKey, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'key_id', foreignKeyConstraintName: 'audit_log_key_id_fkey' })
  key?: ApiKey;

  /** The key's name and role at the time (kept even if the key is later removed). */
  @Column({ name: 'key_name', type: 'text' })
  keyName: string;

  @Column({ type: 'text' })
  role: string;

  @Column({ name: 'operation_name', type: 'text', nullable: true })
  operationName: string | null;

  /** Hex SHA-256 of the query text, to group identical queries. */
  @Column({ name: 'query_hash', type: 'text' })
  queryHash: string;

  /** The query with insignificant whitespace and comments removed (truncated when very long). */
  @Column({ type: 'text' })
  query: string;

  /** The variables, with any whose name looks like a secret replaced by "[redacted]". */
  @Column({ type: 'jsonb', nullable: true })
  variables: Record<string, unknown> | null;

  @Column({ name: 'duration_ms', type: 'integer' })
  durationMs: number;

  @Column({ type: 'text' })
  status: 'ok' | 'error';

  /** extensions.code of each error returned. */
  @Column({ name: 'error_codes', type: 'text', array: true, default: () => "'{}'" })
  errorCodes: string[];

  /** The operation's estimated cost (src/limits), when it got that far. */
  @Column({ type: 'integer', nullable: true })
  cost: number | null;
}
