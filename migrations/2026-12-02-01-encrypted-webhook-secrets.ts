import { sql, type Kysely } from 'kysely';

/**
 * Webhook signing secrets encrypted at rest (shared/crypto/key-ring.ts, AES-256-GCM): `key_id`
 * names the key that sealed `secret_sealed` (IV, tag and ciphertext), and `secret` becomes NULL
 * for such rows. Rows written before this migration keep their plaintext `secret` with key_id
 * NULL; the services still read them, and `npm run rotate-secrets-key` seals them (the key is a
 * setting the migration does not have). The services write only sealed rows from now on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE webhook_secrets
      MODIFY secret VARCHAR(100) NULL,
      ADD COLUMN key_id VARCHAR(32) NULL AFTER secret,
      ADD COLUMN secret_sealed VARBINARY(255) NULL AFTER key_id
  `.execute(db);
}

/** Refuses while sealed rows exist: dropping their columns would lose the secrets. */
export async function down(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM webhook_secrets WHERE key_id IS NOT NULL`.execute(db);
  if (Number(rows[0]?.n ?? 0) > 0) {
    throw new Error('webhook_secrets holds encrypted secrets: run `npm run rotate-secrets-key -- --decrypt` first, then migrate down');
  }
  await sql`ALTER TABLE webhook_secrets DROP COLUMN secret_sealed, DROP COLUMN key_id, MODIFY secret VARCHAR(100) NOT NULL`.execute(db);
}
