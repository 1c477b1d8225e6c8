import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { SegmentFilter } from '../domain';

/** A target value for a metric, for all data or for one segment filter (normalised, so equal filters compare equal). */
@Entity('metric_targets')
@Index('metric_targets_metric_filter_key', ['metric', 'filterKey'], { unique: true })
export class MetricTarget {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'text' })
  metric: string;

  /** The normalised segment filter; {} means the whole dataset. */
  @Column({ type: 'jsonb' })
  filter: SegmentFilter;

  /** The filter's canonical JSON text, the key a target is looked up by. */
  @Column({ name: 'filter_key', type: 'text' })
  filterKey: string;

  @Column({ type: 'double precision' })
  target: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
