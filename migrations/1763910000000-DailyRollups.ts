import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Daily rollups beside the hourly ones (src/metrics/rollups): the same columns per local day of ROLLUP_TIMEZONE instead
 * of per UTC hour, summed from the hourly rows by refresh_rollups(). Written by hand: they have no entities.
 */

const TABLES = ['ticket_rollup', 'message_rollup', 'survey_rollup'];

export class DailyRollups1763910000000 implements MigrationInterface {
  name = 'DailyRollups1763910000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Concatenates the pending-deadline arrays of the hours of a day.
    await queryRunner.query(`CREATE AGGREGATE rollup_array_cat(anycompatiblearray) (SFUNC = array_cat, STYPE = anycompatiblearray)`);
    for (const t of TABLES) {
      await queryRunner.query(`CREATE TABLE "${t}_daily" (LIKE "${t}" INCLUDING DEFAULTS)`);
      await queryRunner.query(`ALTER TABLE "${t}_daily" RENAME COLUMN "hour" TO "day"`);
      await queryRunner.query(`ALTER TABLE "${t}_daily" ALTER COLUMN "day" TYPE timestamp without time zone`);
      await queryRunner.query(`CREATE INDEX "${t}_daily_day_idx" ON "${t}_daily" ("day")`);
      // A segment filter then reads only its segment's rows of the period (the rows of a day are interleaved).
      for (const d of t === 'survey_rollup' ? ['channel', 'product', 'tier'] : ['channel', 'product', 'tier', 'priority']) {
        await queryRunner.query(`CREATE INDEX "${t}_daily_${d}_day_idx" ON "${t}_daily" ("${d}", "day")`);
      }
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const t of [...TABLES].reverse()) await queryRunner.query(`DROP TABLE "${t}_daily"`);
    await queryRunner.query(`DROP AGGREGATE rollup_array_cat(anycompatiblearray)`);
  }
}
