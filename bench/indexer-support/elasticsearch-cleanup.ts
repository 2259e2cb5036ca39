import type { Client } from '@elastic/elasticsearch';
import type { EventIndexNames } from '../../shared/elasticsearch/event-index.js';

/** Removes a prefix's monthly indices (by name: wildcard deletes are refused) and its template. */
export async function deleteEventIndices(es: Client, names: EventIndexNames): Promise<void> {
  const indices = Object.keys(await es.indices.get({ index: names.pattern, allow_no_indices: true, ignore_unavailable: true }));
  if (indices.length > 0) await es.indices.delete({ index: indices });
  await es.indices.deleteIndexTemplate({ name: names.templateName }).catch(() => undefined);
}

/** Searchable documents of a prefix (after a refresh). */
export async function countEventDocuments(es: Client, names: EventIndexNames): Promise<number> {
  await es.indices.refresh({ index: names.pattern, allow_no_indices: true, ignore_unavailable: true });
  if (!(await es.indices.existsAlias({ name: names.alias }))) return 0;
  return (await es.count({ index: names.alias })).count;
}
