import { sql, type Kysely } from 'kysely';

/**
 * Custom headers per webhook endpoint (issue 16; shared/webhooks/headers): the name/value pairs are
 * sealed together with AES-256-GCM under AUTHLOG_ENCRYPTION_KEYS like the signing secrets
 * (`headers_key_id` names the key, `npm run rotate-secrets-key` re-seals them); `header_names`
 * keeps the names alone in plain text, for reads, which never show values. The sealed JSON of 4096
 * bytes of names and values may double with escaping (a value of quotes), hence a BLOB.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE webhook_endpoints
      ADD COLUMN header_names VARCHAR(1024) NOT NULL DEFAULT '[]',
      ADD COLUMN headers_key_id VARCHAR(32) NULL,
      ADD COLUMN headers_sealed BLOB NULL
  `.execute(db);
}

/** Refuses while any endpoint has headers: dropping the columns would lose customers' credentials. */
export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM webhook_endpoints WHERE headers_sealed IS NOT NULL`.execute(db);
  if (Number(rows[0]?.n ?? 0) > 0) {
    throw new Error('webhook_endpoints holds custom headers: remove them (PATCH headers to null) before migrating down');
  }
  await sql`ALTER TABLE webhook_endpoints DROP COLUMN headers_sealed, DROP COLUMN headers_key_id, DROP COLUMN header_names`.execute(db);
}
