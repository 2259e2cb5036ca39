import { sql, type Kysely, type Transaction } from 'kysely';
import type { KeyRing } from '../crypto/key-ring.js';
import { openSecret, sealSecret } from './sealed-secrets.js';
import { generateSecret } from './signing.js';
import type { WebhooksDatabase } from './webhook-tables.js';

/** Whoever owns endpoint ids: `get` throws when the id is not the account's (EndpointStore, the operational endpoints). */
export interface SecretOwners {
  get(accountId: string, id: string, executor?: Kysely<WebhooksDatabase> | Transaction<WebhooksDatabase>): Promise<unknown>;
}

export interface SigningSecret {
  readonly secret: string;
  readonly createdAt: Date;
  /** null for the current secret; the end of its grace period for a rotated one. */
  readonly expiresAt: Date | null;
}

/**
 * Signing secrets of endpoints. Rotation keeps the previous secret signing for a grace period
 * (24 h by default) next to the new one, so a receiver can switch secrets without missing a
 * message; secrets older than that are deleted at the next rotation.
 *
 * Secrets are stored sealed with AES-256-GCM under AUTHLOG_ENCRYPTION_KEYS (sealed-secrets.ts),
 * opened only to sign or to show them to their owner, and never logged.
 */
export class SecretStore {
  constructor(
    private readonly db: Kysely<WebhooksDatabase>,
    private readonly endpoints: SecretOwners,
    private readonly keys: KeyRing,
  ) {}

  /** The secrets that sign right now, newest first. */
  async active(accountId: string, endpointId: string): Promise<SigningSecret[]> {
    await this.endpoints.get(accountId, endpointId);
    return activeSecrets(this.db, this.keys, endpointId);
  }

  async rotate(accountId: string, endpointId: string, graceMs: number, chosen?: string): Promise<{ secret: string; previousExpiresAt: Date }> {
    const secret = chosen ?? generateSecret();
    const previousExpiresAt = new Date(Date.now() + graceMs);
    await this.db.transaction().execute(async (trx) => {
      await this.endpoints.get(accountId, endpointId, trx);
      // Lock the endpoint's secrets so two rotations at once leave exactly one current secret.
      await trx.selectFrom('webhook_secrets').select('id').where('endpoint_id', '=', endpointId).forUpdate().execute();
      await trx.deleteFrom('webhook_secrets').where('endpoint_id', '=', endpointId).where('expires_at', '<=', new Date()).execute();
      await trx
        .updateTable('webhook_secrets')
        .set({ expires_at: previousExpiresAt })
        .where('endpoint_id', '=', endpointId)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', previousExpiresAt)]))
        .execute();
      await trx.insertInto('webhook_secrets').values({ endpoint_id: endpointId, ...sealSecret(this.keys, endpointId, secret), expires_at: null }).execute();
    });
    return { secret, previousExpiresAt };
  }
}

/** Unscoped: for the dispatcher, which has the endpoint id from its own job. */
export async function activeSecrets(db: Kysely<WebhooksDatabase>, keys: KeyRing, endpointId: string): Promise<SigningSecret[]> {
  const rows = await db
    .selectFrom('webhook_secrets')
    .select(['secret', 'key_id', 'secret_sealed', 'created_at', 'expires_at'])
    .where('endpoint_id', '=', endpointId)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`CURRENT_TIMESTAMP(3)`)]))
    .orderBy('id', 'desc')
    .execute();
  return rows.map((row) => ({ secret: openSecret(keys, endpointId, row), createdAt: row.created_at, expiresAt: row.expires_at }));
}
