import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { MESSAGE_AUTHORS, sqlList } from '../domain';
import { Agent } from './agent.entity';
import { Ticket } from './ticket.entity';

/** One message of a ticket's conversation (messages.csv). */
@Entity('messages')
@Check('messages_author_check', `"author" IN (${sqlList(MESSAGE_AUTHORS)})`)
@Check('messages_handle_seconds_check', '"handle_seconds" IS NULL OR "handle_seconds" >= 0')
@Index('messages_ticket_id_sent_at_idx', ['ticketId', 'sentAt'])
export class Message {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Index('messages_external_id_key', { unique: true })
  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @Column({ name: 'ticket_id', type: 'bigint' })
  ticketId: string;

  @ManyToOne(() => Ticket, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'ticket_id', foreignKeyConstraintName: 'messages_ticket_id_fkey' })
  ticket?: Ticket;

  @Column({ type: 'text' })
  author: string;

  @Index('messages_agent_id_idx')
  @Column({ name: 'agent_id', type: 'bigint', nullable: true })
  agentId: string | null;

  @ManyToOne(() => Agent, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'messages_agent_id_fkey' })
  agent?: Agent | null;

  @Index('messages_sent_at_idx')
  @Column({ name: 'sent_at', type: 'timestamptz' })
  sentAt: Date;

  @Column({ name: 'handle_seconds', type: 'double precision', nullable: true })
  handleSeconds: number | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, string | null> | null;
}
