import type { Client } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import type { AuthlogDatabase } from '../../../shared/db/database.js';
import { toEventDocument } from '../../../shared/elasticsearch/event-document.js';
import { monthlyIndexFor, type EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import { ensureEventTemplate } from '../../../shared/elasticsearch/event-template.js';
import type { AuthEventInput } from '../../../shared/event/auth-event-schema.js';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { OutboxWriter } from '../../../shared/outbox/outbox-writer.js';

/** Records events in the authlog (MySQL) the way production does: OutboxWriter.recordBatch. */
export async function recordEvents(db: Kysely<AuthlogDatabase>, events: readonly AuthEventInput[], batch = 500): Promise<void> {
  const writer = new OutboxWriter(db);
  for (let start = 0; start < events.length; start += batch) await writer.recordBatch(events.slice(start, start + batch));
}

/**
 * Gets the authlog rows into Elasticsearch. THE swappable step of the report tests: this version
 * reads the rows back from MySQL and bulk-indexes exactly what the indexer writes (toEventDocument,
 * _id = txid, routing = account_id, monthly index from the shared template). See pipeline-loader.ts
 * for the same step through the real relay and indexer.
 */
export async function indexAuthlogDirectly(db: Kysely<AuthlogDatabase>, elasticsearch: Client, names: EventIndexNames): Promise<void> {
  await ensureEventTemplate(elasticsearch, names, { refreshInterval: '-1' });
  let lastId = 0;
  for (;;) {
    const rows = await db.selectFrom('authlog').select(['id', 'payload']).where('id', '>', lastId).orderBy('id').limit(2000).execute();
    if (rows.length === 0) break;
    lastId = Number(rows[rows.length - 1]?.id);
    const indexedAt = new Date();
    const operations = rows.flatMap((row) => {
      const event = parseAuthEvent(JSON.parse(row.payload));
      return [{ index: { _index: monthlyIndexFor(names, event.timestamp), _id: event.txid, routing: event.account_id } }, toEventDocument(event, indexedAt)];
    });
    const response = await elasticsearch.bulk({ operations });
    if (response.errors) throw new Error(`bulk indexing failed: ${JSON.stringify(response.items.find((item) => item.index?.error)?.index?.error)}`);
  }
  await elasticsearch.indices.refresh({ index: names.pattern });
}

export async function deleteEventIndices(elasticsearch: Client, names: EventIndexNames): Promise<void> {
  await elasticsearch.indices.delete({ index: names.pattern, ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  await elasticsearch.indices.deleteIndexTemplate({ name: names.templateName }).catch(() => undefined);
}
