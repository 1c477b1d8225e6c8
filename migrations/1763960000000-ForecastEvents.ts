import { MigrationInterface, QueryRunner } from 'typeorm';

/** Known events for volume forecasts (setForecastEvent; src/forecasts/forecast-events.ts). */
export class ForecastEvents1763960000000 implements MigrationInterface {
  name = 'ForecastEvents1763960000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "forecast_events" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "name" text NOT NULL, "dates" date array NOT NULL, "multiplier" double precision, "filter" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_forecast_events" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "forecast_events_name_key" ON "forecast_events" ("name") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "forecast_events_name_key"`);
    await queryRunner.query(`DROP TABLE "forecast_events"`);
  }
}
