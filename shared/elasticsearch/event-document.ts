import type { AuthEvent } from '../event/auth-event.js';

/** The Elasticsearch document of an event: the event as it is, plus when it was indexed. */
export type EventDocument = AuthEvent & { readonly indexed_at: string };

export function toEventDocument(event: AuthEvent, indexedAt: Date): EventDocument {
  return { ...event, indexed_at: indexedAt.toISOString() };
}
