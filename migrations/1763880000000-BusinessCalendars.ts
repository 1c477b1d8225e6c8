import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Business calendars (src/metrics/business-hours). Tables generated from the entities and reviewed; the two SQL
 * functions were written by hand: ticket_calendar picks the most specific calendar for a channel and priority, and
 * business_seconds counts the open seconds between two instants (local opening hours, holidays, DST-aware).
 */

export class BusinessCalendars1763880000000 implements MigrationInterface {
  name = 'BusinessCalendars1763880000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "business_calendars" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "name" text NOT NULL, "timezone" text NOT NULL, "channels" text array, "priorities" text array, CONSTRAINT "PK_5824d9553787220e55e159fa16b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "business_calendars_name_key" ON "business_calendars"  ("name") `);
    await queryRunner.query(
      `CREATE TABLE "business_hours" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "calendar_id" bigint NOT NULL, "iso_dow" smallint NOT NULL, "opens" TIME NOT NULL, "closes" TIME NOT NULL, CONSTRAINT "business_hours_interval_check" CHECK ("opens" < "closes"), CONSTRAINT "business_hours_iso_dow_check" CHECK ("iso_dow" BETWEEN 1 AND 7), CONSTRAINT "PK_560a76077605005da835fe505a5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "business_hours_calendar_id_iso_dow_idx" ON "business_hours"  ("calendar_id", "iso_dow") `);
    await queryRunner.query(
      `CREATE TABLE "business_holidays" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "calendar_id" bigint NOT NULL, "date" date NOT NULL, CONSTRAINT "PK_68f4aecc3865803eb42cda8b4a4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "business_holidays_calendar_id_date_key" ON "business_holidays"  ("calendar_id", "date") `);
    await queryRunner.query(
      `ALTER TABLE "business_hours" ADD CONSTRAINT "business_hours_calendar_id_fkey" FOREIGN KEY ("calendar_id") REFERENCES "business_calendars"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "business_holidays" ADD CONSTRAINT "business_holidays_calendar_id_fkey" FOREIGN KEY ("calendar_id") REFERENCES "business_calendars"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`CREATE FUNCTION ticket_calendar(p_channel text, p_priority text) RETURNS bigint
            LANGUAGE sql STABLE AS $$
              SELECT k.id FROM business_calendars k
              WHERE (k.channels IS NULL OR p_channel = ANY (k.channels))
                AND (k.priorities IS NULL OR p_priority = ANY (k.priorities))
              ORDER BY (k.channels IS NOT NULL)::int + (k.priorities IS NOT NULL)::int DESC, k.id
              LIMIT 1
            $$`);
    // Each local day between the two instants contributes the overlap of its opening intervals with [start, end);
    // local times become instants with AT TIME ZONE, so a day of 23 or 25 hours is counted as it really was.
    await queryRunner.query(`CREATE FUNCTION business_seconds(p_calendar bigint, p_start timestamptz, p_end timestamptz) RETURNS double precision
            LANGUAGE sql STABLE AS $$
              SELECT CASE WHEN p_calendar IS NULL OR p_start IS NULL OR p_end IS NULL THEN NULL
                          WHEN p_end <= p_start THEN 0::double precision
                          ELSE COALESCE((
                SELECT sum(greatest(0, extract(epoch FROM
                         least(p_end, (d.day + h.closes) AT TIME ZONE k.timezone)
                         - greatest(p_start, (d.day + h.opens) AT TIME ZONE k.timezone))))::double precision
                FROM business_calendars k
                CROSS JOIN LATERAL generate_series((p_start AT TIME ZONE k.timezone)::date::timestamp,
                                                   (p_end AT TIME ZONE k.timezone)::date::timestamp,
                                                   interval '1 day') AS d(day)
                JOIN business_hours h ON h.calendar_id = k.id AND h.iso_dow = extract(isodow FROM d.day)
                WHERE k.id = p_calendar
                  AND NOT EXISTS (SELECT 1 FROM business_holidays x WHERE x.calendar_id = k.id AND x.date = d.day::date)
              ), 0) END
            $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION business_seconds(bigint, timestamptz, timestamptz)`);
    await queryRunner.query(`DROP FUNCTION ticket_calendar(text, text)`);
    await queryRunner.query(`ALTER TABLE "business_holidays" DROP CONSTRAINT "business_holidays_calendar_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "business_hours" DROP CONSTRAINT "business_hours_calendar_id_fkey"`);
    await queryRunner.query(`DROP INDEX "business_holidays_calendar_id_date_key"`);
    await queryRunner.query(`DROP TABLE "business_holidays"`);
    await queryRunner.query(`DROP INDEX "business_hours_calendar_id_iso_dow_idx"`);
    await queryRunner.query(`DROP TABLE "business_hours"`);
    await queryRunner.query(`DROP INDEX "business_calendars_name_key"`);
    await queryRunner.query(`DROP TABLE "business_calendars"`);
  }
}
