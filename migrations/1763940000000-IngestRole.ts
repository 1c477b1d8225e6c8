import { MigrationInterface, QueryRunner } from 'typeorm';

/** The `ingest` API-key role: writes records through POST /ingest/<entity> and reads nothing (docs/ingest.md). */
export class IngestRole1763940000000 implements MigrationInterface {
  name = 'IngestRole1763940000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_role_check"`);
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_role_check" CHECK ("role" IN ('admin', 'analyst', 'partner', 'ingest'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "api_keys" WHERE "role" = 'ingest'`);
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "api_keys_role_check"`);
    await queryRunner.query(`ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_role_check" CHECK ("role" IN ('admin', 'analyst', 'partner'))`);
  }
}
