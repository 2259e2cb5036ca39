import { sql, type Kysely } from 'kysely';

/**
 * Scopes per API key (issue 16; shared/auth/scopes.ts), space-separated like OAuth's `scope`.
 * Every key that exists when this runs gets all four scopes (`logs:read webhooks:read
 * webhooks:write keys:admin`), so every script and integration keeps working with what it could do
 * before. The column's default is the empty set: a row written without scopes may do nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE api_keys ADD COLUMN scopes VARCHAR(255) NOT NULL DEFAULT ''`.execute(db);
  await sql`UPDATE api_keys SET scopes = 'logs:read webhooks:read webhooks:write keys:admin'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE api_keys DROP COLUMN scopes`.execute(db);
}
