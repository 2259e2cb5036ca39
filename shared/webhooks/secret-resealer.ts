import type { Kysely } from 'kysely';
import type { KeyRing } from '../crypto/key-ring.js';
import { openSecret, sealSecret } from './sealed-secrets.js';
import type { WebhooksDatabase } from './webhook-tables.js';

export interface ResealSummary {
  /** Rows sealed under the current key by this run (from plaintext or from an older key). */
  readonly resealed: number;
  /** Of those, rows that were plaintext. */
  readonly fromPlaintext: number;
  /** Rows written back as plaintext (`decrypt`, before migrating down). */
  readonly decrypted: number;
}

/**
 * Brings every webhook secret under the key ring's current key: plaintext rows from before
 * encryption and rows sealed with an older key. A batch at a time, each row re-read under a row
 * lock, so the services keep running (they open either form) and a concurrent rotation of the
 * same endpoint's secret is not overwritten. Running it twice does nothing the second time.
 */
export async function resealSecrets(db: Kysely<WebhooksDatabase>, keys: KeyRing, options: { decrypt?: boolean; batchSize?: number; dryRun?: boolean } = {}): Promise<ResealSummary> {
  const batchSize = options.batchSize ?? 500;
  let afterId = 0;
  let resealed = 0;
  let fromPlaintext = 0;
  let decrypted = 0;
  for (;;) {
    let query = db.selectFrom('webhook_secrets').select('id').where('id', '>', afterId);
    query = options.decrypt === true ? query.where('key_id', 'is not', null) : query.where((eb) => eb.or([eb('key_id', 'is', null), eb('key_id', '!=', keys.currentKeyId)]));
    const ids = (await query.orderBy('id').limit(batchSize).execute()).map((row) => row.id);
    if (ids.length === 0) break;
    afterId = ids.at(-1) ?? afterId;
    await db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('webhook_secrets').select(['id', 'endpoint_id', 'secret', 'key_id', 'secret_sealed']).where('id', 'in', ids).forUpdate().execute();
      for (const row of rows) {
        // Opening first: a row under a key missing from the ring stops the run with a DecryptionError naming it.
        const secret = openSecret(keys, row.endpoint_id, row);
        if (options.decrypt === true) {
          if (row.key_id === null) continue;
          decrypted += 1;
          if (options.dryRun !== true) await trx.updateTable('webhook_secrets').set({ secret, key_id: null, secret_sealed: null }).where('id', '=', row.id).execute();
          continue;
        }
        if (row.key_id === keys.currentKeyId) continue;
        resealed += 1;
        if (row.key_id === null) fromPlaintext += 1;
        if (options.dryRun !== true) await trx.updateTable('webhook_secrets').set(sealSecret(keys, row.endpoint_id, secret)).where('id', '=', row.id).execute();
      }
    });
  }
  return { resealed, fromPlaintext, decrypted };
}
