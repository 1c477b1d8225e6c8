import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CHANNELS, SURVEY_SCALES, sqlList } from '../domain';
import { Customer } from './customer.entity';
import { Ticket } from './ticket.entity';

const scaleCheck = Object.entries(SURVEY_SCALES)
  .map(([kind, { min, max }]) => `("kind" = '${kind}' AND "score" BETWEEN ${min} AND ${max})`)
  .join(' OR ');

/** A survey response (surveys.csv); channel and product come from the ticket when one is given. */
@Entity('surveys')
@Check('surveys_kind_score_check', scaleCheck)
@Check('surveys_channel_check', `"channel" IS NULL OR "channel" IN (${sqlList(CHANNELS)})`)
@Index('surveys_kind_responded_at_idx', ['kind', 'respondedAt'])
export class Survey {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Index('surveys_external_id_key', { unique: true })
  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'integer' })
  score: number;

  @Index('surveys_responded_at_idx')
  @Column({ name: 'responded_at', type: 'timestamptz' })
  respondedAt: Date;

  @Index('surveys_ticket_id_idx')
  @Column({ name: 'ticket_id', type: 'bigint', nullable: true })
  ticketId: string | null;

  @ManyToOne(() => Ticket, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'ticket_id', foreignKeyConstraintName: 'surveys_ticket_id_fkey' })
  ticket?: Ticket | null;

  @Index('surveys_customer_id_idx')
  @Column({ name: 'customer_id', type: 'bigint', nullable: true })
  customerId: string | null;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'surveys_customer_id_fkey' })
  customer?: Customer | null;

  @Column({ type: 'text', nullable: true })
  channel: string | null;

  @Column({ type: 'text', nullable: true })
  product: string | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, string | null> | null;
}
