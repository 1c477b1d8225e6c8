import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CHANNELS, PRIORITIES, sqlList } from '../domain';
import { Agent } from './agent.entity';
import { Customer } from './customer.entity';

/** A customer inquiry (tickets.csv); the contract's invariants are CHECK constraints too. */
@Entity('tickets')
@Check('tickets_channel_check', `"channel" IN (${sqlList(CHANNELS)})`)
@Check('tickets_priority_check', `"priority" IN (${sqlList(PRIORITIES)})`)
@Check('tickets_first_response_after_created', '"first_response_at" IS NULL OR "first_response_at" >= "created_at"')
@Check('tickets_resolved_after_created', '"resolved_at" IS NULL OR "resolved_at" >= "created_at"')
@Check('tickets_abandoned_after_created', '"abandoned_at" IS NULL OR "abandoned_at" >= "created_at"')
@Check('tickets_not_abandoned_and_resolved', '"abandoned_at" IS NULL OR "resolved_at" IS NULL')
@Check('tickets_reopened_count_check', '"reopened_count" >= 0')
@Index('tickets_channel_created_at_idx', ['channel', 'createdAt'])
@Index('tickets_product_created_at_idx', ['product', 'createdAt'])
export class Ticket {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Index('tickets_external_id_key', { unique: true })
  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @Index('tickets_customer_id_idx')
  @Column({ name: 'customer_id', type: 'bigint', nullable: true })
  customerId: string | null;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'tickets_customer_id_fkey' })
  customer?: Customer | null;

  @Column({ type: 'text' })
  channel: string;

  @Column({ type: 'text', nullable: true })
  product: string | null;

  @Column({ type: 'text', default: 'normal' })
  priority: string;

  @Index('tickets_created_at_idx')
  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** The first agent reply: as given, or derived from messages when the file left it empty. */
  @Index('tickets_first_response_at_idx')
  @Column({ name: 'first_response_at', type: 'timestamptz', nullable: true })
  firstResponseAt: Date | null;

  /** True when first_response_at was derived from messages rather than given in tickets.csv. */
  @Column({ name: 'first_response_derived', type: 'boolean', default: false })
  firstResponseDerived: boolean;

  @Index('tickets_resolved_at_idx')
  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'abandoned_at', type: 'timestamptz', nullable: true })
  abandonedAt: Date | null;

  @Column({ type: 'boolean', default: false })
  escalated: boolean;

  @Column({ name: 'reopened_count', type: 'integer', default: 0 })
  reopenedCount: number;

  @Index('tickets_assignee_id_idx')
  @Column({ name: 'assignee_id', type: 'bigint', nullable: true })
  assigneeId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'assignee_id', foreignKeyConstraintName: 'tickets_assignee_id_fkey' })
  assignee?: Agent | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, string | null> | null;
}
