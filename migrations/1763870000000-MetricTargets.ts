import { MigrationInterface, QueryRunner } from 'typeorm';

/** Metric targets (per metric and normalised segment filter). Generated from src/metrics/targets, reviewed. */
export class MetricTargets1763870000000 implements MigrationInterface {
  name = 'MetricTargets1763870000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "metric_targets" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "metric" text NOT NULL, "filter" jsonb NOT NULL, "filter_key" text NOT NULL, "target" double precision NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_68024bcec3a0d525dbfcfdfd186" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "metric_targets_metric_filter_key" ON "metric_targets"  ("metric", "filter_key") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "metric_targets_metric_filter_key"`);
    await queryRunner.query(`DROP TABLE "metric_targets"`);
  }
}
