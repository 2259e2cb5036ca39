import { randomUUID } from 'node:crypto';
import type { AuthEvent } from '../../../shared/event/auth-event.js';
import { eventTypeSchemas, type JsonSchema, type PublishedSchema } from '../../../shared/event/event-json-schema.js';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import type { EventType } from '../../../shared/event/vocabulary.js';
import { AuthSimulator } from '../../../shared/simulation/auth-simulator.js';
import { webhookBody } from '../../../shared/webhooks/webhook-payload.js';

/** What a customer reads about one webhook type before subscribing to it. */
export interface CatalogEntry {
  /** The webhook `type` (the event's ce_type), what `filters.event_types` and `POST .../test` name. */
  readonly type: string;
  readonly event_type: EventType;
  readonly schema_version: number;
  readonly description: string;
  /** JSON Schema of `data` in the payload, the generated contract of schemas/ (never a hand-written copy). */
  readonly schema: JsonSchema;
  /** A whole webhook body {type, timestamp, data} as a receiver gets it. */
  readonly example: { readonly type: string; readonly timestamp: string; readonly data: AuthEvent };
}

// A word per type for people; a type added to the model without one fails the catalog test.
const DESCRIPTIONS: Readonly<Record<EventType, string>> = {
  authentication: 'A user signed in to an application, or was denied or flagged as fraud: one per decision, with the factor, the access device and the reason.',
  enrollment: 'A user enrolled (or was refused enrolment of) an authentication device: same fields as an authentication.',
};

const EXAMPLE_ACCOUNT = 'acct_example';
// Generating the schemas runs zod's JSON Schema conversion: once per process, not per test event.
let generated: readonly PublishedSchema[] | undefined;
const publishedSchemas = (): readonly PublishedSchema[] => (generated ??= eventTypeSchemas());
const EXAMPLE_TIME = new Date('2026-11-26T12:00:00.000Z');

/**
 * An event of the type as the simulator makes them, passed through the model's own parser, so an
 * example is exactly what the relay would publish (and what the schema describes).
 */
export function exampleEvent(eventType: EventType, accountId: string, at: Date, txid?: string): AuthEvent {
  const input = new AuthSimulator({ accounts: 1, usersPerAccount: 1, seed: 7 }).forAccount(accountId, at);
  return parseAuthEvent({ ...input, event_type: eventType, ...(txid === undefined ? {} : { txid }) });
}

/** The webhook body of an example event (used by `POST .../test` with an `event_type`). */
export function exampleWebhookBody(type: string, accountId: string, at: Date): string | undefined {
  const entry = publishedSchemas().find((schema) => schema.ceType === type);
  if (entry === undefined) return undefined;
  const event = exampleEvent(entry.eventType, accountId, at, randomUUID());
  return webhookBody(entry.ceType, event.timestamp, JSON.stringify(event));
}

/** Every webhook type, built once from the model (the catalog cannot change while the process runs). */
export function eventTypeCatalog(): readonly CatalogEntry[] {
  return publishedSchemas().map((contract) => {
    const data = exampleEvent(contract.eventType, EXAMPLE_ACCOUNT, EXAMPLE_TIME);
    return {
      type: contract.ceType,
      event_type: contract.eventType,
      schema_version: contract.version,
      description: DESCRIPTIONS[contract.eventType],
      schema: contract.schema,
      example: { type: contract.ceType, timestamp: data.timestamp, data },
    };
  });
}

/** The webhook types a test may send, in the catalog's order. */
export function catalogTypes(): readonly string[] {
  return publishedSchemas().map((schema) => schema.ceType);
}
