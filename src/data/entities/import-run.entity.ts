import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One completed import (or demo load): what was loaded and when; its id is the data version that caches key on. */
@Entity('import_runs')
export class ImportRun {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ type: 'text' })
  source: string;

  @Column({ name: 'started_at', type: 'timestamptz' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz' })
  finishedAt: Date;

  /** Per file: inserted, updated, unchanged and rejected row counts. */
  @Column({ type: 'jsonb' })
  summary: Record<string, unknown>;
}
