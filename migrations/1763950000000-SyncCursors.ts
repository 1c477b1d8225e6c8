import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where each stream of a help-desk sync (`deskmetrics sync zendesk`, src/sync/) has got to. The cursor is written in the
 * same transaction as the records of the page it follows, so a sync stopped at any point resumes without loss or
 * duplicates (docs/zendesk.md).
 */
export class SyncCursors1763950000000 implements MigrationInterface {
  name = 'SyncCursors1763950000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sync_cursors" (
            "source" text NOT NULL,
            "stream" text NOT NULL,
            "cursor" jsonb,
            "cursor_time" TIMESTAMP WITH TIME ZONE,
            "pages" bigint NOT NULL DEFAULT 0,
            "records" bigint NOT NULL DEFAULT 0,
            "last_page_at" TIMESTAMP WITH TIME ZONE,
            "last_success_at" TIMESTAMP WITH TIME ZONE,
            "last_error" text,
            "last_error_at" TIMESTAMP WITH TIME ZONE,
            CONSTRAINT "sync_cursors_pkey" PRIMARY KEY ("source", "stream"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sync_cursors"`);
  }
}
