import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { CHANNELS, PRIORITIES, sqlList } from '../domain';

/** A service-level target per priority, optionally per channel (sla_policies.csv); a channel-specific row wins over the catch-all. */
@Entity('sla_policies')
@Check('sla_policies_priority_check', `"priority" IN (${sqlList(PRIORITIES)})`)
@Check('sla_policies_channel_check', `"channel" IS NULL OR "channel" IN (${sqlList(CHANNELS)})`)
@Check('sla_policies_first_response_check', '"first_response_minutes" IS NULL OR "first_response_minutes" > 0')
@Check('sla_policies_resolution_check', '"resolution_minutes" IS NULL OR "resolution_minutes" > 0')
// UNIQUE (priority, channel) NULLS NOT DISTINCT is written by hand in the migration: TypeORM cannot declare NULLS NOT DISTINCT.
@Index('sla_policies_priority_channel_key', { synchronize: false })
export class SlaPolicy {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'text' })
  priority: string;

  @Column({ type: 'text', nullable: true })
  channel: string | null;

  @Column({ name: 'first_response_minutes', type: 'double precision', nullable: true })
  firstResponseMinutes: number | null;

  @Column({ name: 'resolution_minutes', type: 'double precision', nullable: true })
  resolutionMinutes: number | null;

  @Column({ type: 'jsonb', nullable: true })
  attributes: Record<string, string | null> | null;
}
