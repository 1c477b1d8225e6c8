import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SegmentFilter } from '../domain';

/**
 * A known event for volume forecasts (a launch, a campaign, a closure): its local dates, an optional known effect, and
 * the segment it concerns ({} = all tickets). Set with setForecastEvent (docs/forecasts.md).
 */
@Entity('forecast_events')
export class ForecastEventRow {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Index('forecast_events_name_key', { unique: true })
  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'date', array: true })
  dates: string[];

  /** The effect as a multiplier of the usual volume; null = estimated from the history. */
  @Column({ type: 'double precision', nullable: true })
  multiplier: number | null;

  /** The normalised segment filter the event concerns; {} = every forecast. */
  @Column({ type: 'jsonb' })
  filter: SegmentFilter;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
