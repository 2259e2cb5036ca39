import { sql, type Kysely } from 'kysely';

/**
 * Customer accounts as the reports see them: a display name and the IANA time zone that report
 * buckets (days, weeks, months) follow by default. A missing row means "UTC, named by its id", so
 * an account can use the API before anyone filled this in.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE accounts (
      account_id VARCHAR(64) NOT NULL,
      display_name VARCHAR(255) NOT NULL,
      time_zone VARCHAR(64) NOT NULL DEFAULT 'UTC',
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (account_id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS accounts`.execute(db);
}
