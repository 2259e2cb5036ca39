import type { KafkaMessage } from 'kafkajs';
import type { AuthEvent } from '../../../shared/event/auth-event.js';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { AuthlogError } from '../../../shared/errors/authlog-error.js';
import { fromKafkaMessage } from '../../../shared/kafka/cloud-event.js';

export type DecodedMessage =
  | { readonly ok: true; readonly event: AuthEvent }
  | { readonly ok: false; readonly reason: string; readonly error: string };

/**
 * A Kafka message of the events topic, checked the way the producer promised to write it: the
 * CloudEvents headers, the JSON value, the event schema (parseAuthEvent), and ce_id = txid (the
 * _id). Anything else is not retried, since the same bytes fail the same way forever: the caller
 * dead-letters it with `reason` (a stable code) and `error` (what was wrong, for a human).
 */
export function decodeEventMessage(message: KafkaMessage): DecodedMessage {
  let attributes: ReturnType<typeof fromKafkaMessage>;
  try {
    attributes = fromKafkaMessage(message);
  } catch (error) {
    return rejected(error);
  }
  let json: unknown;
  try {
    json = JSON.parse(attributes.data.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: 'INVALID_JSON', error: `value is not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  let event: AuthEvent;
  try {
    event = parseAuthEvent(json);
  } catch (error) {
    return rejected(error);
  }
  if (event.txid !== attributes.id) {
    return { ok: false, reason: 'ID_MISMATCH', error: `header ce_id ${attributes.id} differs from the event's txid ${event.txid}` };
  }
  return { ok: true, event };
}

function rejected(error: unknown): DecodedMessage {
  if (error instanceof AuthlogError) return { ok: false, reason: error.code, error: error.message };
  // Not one of ours: a bug in a parser, not a bad message. Still dead-letter it (never stall), loudly.
  return { ok: false, reason: 'DECODE_FAILED', error: error instanceof Error ? error.message : String(error) };
}
