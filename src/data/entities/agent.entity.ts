import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A support agent (agents.csv). */
@Entity('agents')
export class Agent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Index('agents_external_id_key', { unique: true })
  @Column({ name: 'external_id', type: 'text' })
  externalId: string;

  @Column({ type: 'text' })
  name: string;

  @Index('agents_team_idx')
  @Column({ type: 'text', nullable: true })
  team: string | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, string | null> | null;
}
