import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Agent } from './agent.entity';

/** One agent's scheduled and active time on one day (agent_activity.csv); (agent, date) is the source key. */
@Entity('agent_activity')
@Check('agent_activity_available_check', '"available_seconds" > 0')
@Check('agent_activity_active_check', '"active_seconds" >= 0 AND "active_seconds" <= "available_seconds"')
@Index('agent_activity_agent_id_date_key', ['agentId', 'date'], { unique: true })
export class AgentActivity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'agent_id', type: 'bigint' })
  agentId: string;

  @ManyToOne(() => Agent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agent_id', foreignKeyConstraintName: 'agent_activity_agent_id_fkey' })
  agent?: Agent;

  @Index('agent_activity_date_idx')
  @Column({ type: 'date' })
  date: string;

  @Column({ name: 'available_seconds', type: 'double precision' })
  availableSeconds: number;

  @Column({ name: 'active_seconds', type: 'double precision' })
  activeSeconds: number;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, string | null> | null;
}
