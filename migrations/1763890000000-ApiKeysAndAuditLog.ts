import { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys (hash of the secret only) and the audit log of key use (src/auth). Generated from the entities, reviewed. */
export class ApiKeysAndAuditLog1763890000000 implements MigrationInterface {
  name = 'ApiKeysAndAuditLog1763890000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "name" text NOT NULL, "role" text NOT NULL, "scope" jsonb, "public_id" text NOT NULL, "secret_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, "last_used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "api_keys_scope_check" CHECK (("role" = 'partner') = ("scope" IS NOT NULL)), CONSTRAINT "api_keys_role_check" CHECK ("role" IN ('admin', 'analyst', 'partner')), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "api_keys_public_id_key" ON "api_keys"  ("public_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "api_keys_name_key" ON "api_keys"  ("name") `);
    await queryRunner.query(
      `CREATE TABLE "audit_log" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP WITH TIME ZONE NOT NULL, "key_id" bigint, "key_name" text NOT NULL, "role" text NOT NULL, "operation_name" text, "query_hash" text NOT NULL, "query" text NOT NULL, "variables" jsonb, "duration_ms" integer NOT NULL, "status" text NOT NULL, "error_codes" text array NOT NULL DEFAULT '{}', "cost" integer, CONSTRAINT "audit_log_status_check" CHECK ("status" IN ('ok', 'error')), CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "audit_log_key_name_at_idx" ON "audit_log"  ("key_name", "at") `);
    await queryRunner.query(`CREATE INDEX "audit_log_at_idx" ON "audit_log"  ("at") `);
    await queryRunner.query(
      `ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "api_keys"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_key_id_fkey"`);
    await queryRunner.query(`DROP INDEX "audit_log_at_idx"`);
    await queryRunner.query(`DROP INDEX "audit_log_key_name_at_idx"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
    await queryRunner.query(`DROP INDEX "api_keys_name_key"`);
    await queryRunner.query(`DROP INDEX "api_keys_public_id_key"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
  }
}
