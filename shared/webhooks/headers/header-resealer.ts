import type { Kysely } from 'kysely';
import type { KeyRing } from '../../crypto/key-ring.js';
import type { WebhooksDatabase } from '../webhook-tables.js';
import { openHeaderPairs, sealHeaders } from './sealed-headers.js';

export interface HeaderResealSummary {
  /** Endpoints whose headers this run sealed under the current key. */
  readonly headersResealed: number;
}

/**
 * Brings every endpoint's custom headers under the key ring's current key, the way
 * secret-resealer.ts does for signing secrets: a batch at a time, each row re-read under a row
 * lock (a concurrent PATCH of the headers is not overwritten), opened before it is re-sealed (a
 * key missing from the ring stops the run naming it). Headers have no plaintext form: there is
 * nothing to decrypt, they are removed through the API before migrating 2026-12-08-61 down.
 */
export async function resealHeaders(db: Kysely<WebhooksDatabase>, keys: KeyRing, options: { batchSize?: number; dryRun?: boolean } = {}): Promise<HeaderResealSummary> {
  const batchSize = options.batchSize ?? 500;
  let afterId = '';
  let headersResealed = 0;
  for (;;) {
    const ids = (
      await db
        .selectFrom('webhook_endpoints')
        .select('id')
        .where('id', '>', afterId)
        .where('headers_key_id', 'is not', null)
        .where('headers_key_id', '!=', keys.currentKeyId)
        .orderBy('id')
        .limit(batchSize)
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) break;
    afterId = ids.at(-1) ?? afterId;
    await db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('webhook_endpoints').select(['id', 'headers_key_id', 'headers_sealed']).where('id', 'in', ids).forUpdate().execute();
      for (const row of rows) {
        if (row.headers_key_id === null || row.headers_key_id === keys.currentKeyId) continue;
        const pairs = openHeaderPairs(keys, row.id, row);
        headersResealed += 1;
        if (options.dryRun !== true) await trx.updateTable('webhook_endpoints').set(sealHeaders(keys, row.id, pairs)).where('id', '=', row.id).execute();
      }
    });
  }
  return { headersResealed };
}
