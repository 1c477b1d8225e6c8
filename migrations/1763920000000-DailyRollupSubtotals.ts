import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Subtotal rows in the daily rollups: besides the row per combination of every segment column, rows per combination of
 * subsets of them (the others null; which subsets: `subtotalDimensions` in rollup-tables.ts), marked by `dims`, the bitmask of the segment columns a row holds (of n dimensions,
 * bit n−1−i stands for the i-th of the rollup's, src/metrics/rollups/rollup-tables.ts, as GROUPING() numbers them). A query filtered on product and broken down by
 * channel then reads the (channel, product) rows only, a fraction of the full rows. Rows are rebuilt by refresh_rollups()
 * (its definition changed, so the server rebuilds them at start). Written by hand: the rollups have no entities.
 */

const TABLES: Record<string, string[]> = {
  ticket_rollup: ['channel', 'product', 'tier', 'priority'],
  message_rollup: ['channel', 'product', 'tier', 'priority'],
  survey_rollup: ['channel', 'product', 'tier'],
};

export class DailyRollupSubtotals1763920000000 implements MigrationInterface {
  name = 'DailyRollupSubtotals1763920000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const [t, dims] of Object.entries(TABLES)) {
      const all = (1 << dims.length) - 1;
      await queryRunner.query(`ALTER TABLE "${t}_daily" ADD COLUMN "dims" smallint NOT NULL DEFAULT ${all}`);
      await queryRunner.query(`ALTER TABLE "${t}_daily" ALTER COLUMN "dims" DROP DEFAULT`);
      await queryRunner.query(`DROP INDEX "${t}_daily_day_idx"`);
      for (const d of dims) await queryRunner.query(`DROP INDEX "${t}_daily_${d}_day_idx"`);
      await queryRunner.query(`CREATE INDEX "${t}_daily_dims_day_idx" ON "${t}_daily" ("dims", "day")`);
      // A segment filter reads only its segment's rows of the period.
      for (const d of dims) await queryRunner.query(`CREATE INDEX "${t}_daily_dims_${d}_day_idx" ON "${t}_daily" ("dims", "${d}", "day")`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [t, dims] of Object.entries(TABLES)) {
      const all = (1 << dims.length) - 1;
      await queryRunner.query(`DELETE FROM "${t}_daily" WHERE "dims" <> ${all}`);
      for (const d of dims) await queryRunner.query(`DROP INDEX "${t}_daily_dims_${d}_day_idx"`);
      await queryRunner.query(`DROP INDEX "${t}_daily_dims_day_idx"`);
      await queryRunner.query(`ALTER TABLE "${t}_daily" DROP COLUMN "dims"`);
      await queryRunner.query(`CREATE INDEX "${t}_daily_day_idx" ON "${t}_daily" ("day")`);
      for (const d of dims) await queryRunner.query(`CREATE INDEX "${t}_daily_${d}_day_idx" ON "${t}_daily" ("${d}", "day")`);
    }
  }
}
