import { sql, type Kysely } from 'kysely';

/** Customer API keys for the reports and webhook APIs; see shared/auth/api-key-store.ts. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE api_keys (
      key_id VARCHAR(16) NOT NULL,
      account_id VARCHAR(64) NOT NULL,
      secret_sha256 BINARY(32) NOT NULL,
      name VARCHAR(128) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      revoked_at DATETIME(3) NULL,
      PRIMARY KEY (key_id),
      KEY ix_api_keys_account (account_id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS api_keys`.execute(db);
}
