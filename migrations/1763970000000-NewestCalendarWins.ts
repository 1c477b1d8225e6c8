import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Between business calendars equally specific for a ticket (two for the same channel, say), the newest one applies:
 * a calendar set for chat on top of an existing chat-and-phone one takes effect, as its author expects. Before, the
 * oldest won and the new one was silently ignored.
 */
export class NewestCalendarWins1763970000000 implements MigrationInterface {
  name = 'NewestCalendarWins1763970000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION ticket_calendar(p_channel text, p_priority text) RETURNS bigint
            LANGUAGE sql STABLE AS $$
              SELECT k.id FROM business_calendars k
              WHERE (k.channels IS NULL OR p_channel = ANY (k.channels))
                AND (k.priorities IS NULL OR p_priority = ANY (k.priorities))
              ORDER BY (k.channels IS NOT NULL)::int + (k.priorities IS NOT NULL)::int DESC, k.id DESC
              LIMIT 1
            $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE OR REPLACE FUNCTION ticket_calendar(p_channel text, p_priority text) RETURNS bigint
            LANGUAGE sql STABLE AS $$
              SELECT k.id FROM business_calendars k
              WHERE (k.channels IS NULL OR p_channel = ANY (k.channels))
                AND (k.priorities IS NULL OR p_priority = ANY (k.priorities))
              ORDER BY (k.channels IS NOT NULL)::int + (k.priorities IS NOT NULL)::int DESC, k.id
              LIMIT 1
            $$`);
  }
}
