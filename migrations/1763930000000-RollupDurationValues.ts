import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The durations themselves in the rollups: per row, the first-response and resolution times (seconds) of its tickets
 * and the waits of its agent replies, so that exact medians and p90s are computed from a period's rollup rows instead of an index scan over the
 * raw rows. Rows are rebuilt by refresh_rollups() (its definition changed, so the server rebuilds them at start).
 * Written by hand: the rollups have no entities.
 */
const COLUMNS: Record<string, string[]> = {
  ticket_rollup: ['fr_values', 'res_values'],
  message_rollup: ['reply_wait_values'],
};

export class RollupDurationValues1763930000000 implements MigrationInterface {
  name = 'RollupDurationValues1763930000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [t, columns] of Object.entries(COLUMNS)) {
      for (const c of columns) {
        for (const table of [t, `${t}_daily`]) await queryRunner.query(`ALTER TABLE "${table}" ADD COLUMN "${c}" float8[]`);
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [t, columns] of Object.entries(COLUMNS)) {
      for (const c of columns) {
        for (const table of [t, `${t}_daily`]) await queryRunner.query(`ALTER TABLE "${table}" DROP COLUMN "${c}"`);
      }
    }
  }
}
