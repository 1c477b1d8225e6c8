import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A full rebuild of the rollups on several connections commits its parts one by one (rebuild_rollup_part, installed at
 * start), so what it leaves between them must survive a stop of the process or of the database:
 * - rollup_dropped_indexes holds the definitions of the rollup indexes its first part dropped, for its last part (or
 *   the next rebuild, after a stop) to build again;
 * - the marking tables become logged: the full-rebuild mark of a committed bulk load waits there until the rebuild
 *   ends, and a crash of PostgreSQL empties unlogged tables, which would have left rollups that are empty or stale
 *   counted as current;
 * - setting the full-rebuild mark again gives it a new version (its row's xmin): a rebuild in progress withdraws only
 *   the version it started from.
 * rollup_work has been unused since the refresh reads the touched hours into arrays.
 */
export class RollupRebuildInParts1763980000000 implements MigrationInterface {
  name = 'RollupRebuildInParts1763980000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "rollup_dropped_indexes" ("definition" text PRIMARY KEY, "table_name" text NOT NULL)`);
    await queryRunner.query(`ALTER TABLE "rollup_dirty_hours" SET LOGGED`);
    await queryRunner.query(`ALTER TABLE "rollup_dirty_tickets" SET LOGGED`);
    await queryRunner.query(markEverything(`ON CONFLICT (hour) DO UPDATE SET hour = EXCLUDED.hour`));
    await queryRunner.query(`DROP TABLE "rollup_work"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE UNLOGGED TABLE "rollup_work" ("hour" timestamptz PRIMARY KEY)`);
    await queryRunner.query(markEverything(`ON CONFLICT DO NOTHING`));
    await queryRunner.query(`ALTER TABLE "rollup_dirty_tickets" SET UNLOGGED`);
    await queryRunner.query(`ALTER TABLE "rollup_dirty_hours" SET UNLOGGED`);
    await queryRunner.query(`DROP TABLE "rollup_dropped_indexes"`);
  }
}

const markEverything = (onConflict: string) => `CREATE OR REPLACE FUNCTION rollup_mark_everything() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO rollup_dirty_hours (hour) VALUES ('-infinity') ${onConflict};
  IF coalesce(current_setting('deskmetrics.defer_rollups', true), '') <> 'on' THEN PERFORM refresh_rollups(); END IF;
  RETURN NULL;
END $fn$`;
