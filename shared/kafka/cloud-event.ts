import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { AuthEvent } from '../event/auth-event.js';
import { MalformedCloudEventError } from './malformed-cloud-event-error.js';

/**
 * Events travel on Kafka as CloudEvents 1.0 in binary content mode (CloudEvents Kafka protocol
 * binding): the attributes are `ce_`-prefixed headers, the value is the event itself as JSON, and
 * the key is the customer account (so an account's events keep their order in one partition).
 *
 *   ce_specversion  1.0
 *   ce_id           txid (the event id: Elasticsearch _id, webhook-id, dedupe key)
 *   ce_source       /authlog/accounts/<account_id>
 *   ce_type         authlog.authentication | authlog.enrollment (also the webhook's `type`)
 *   ce_time         event timestamp (RFC 3339)
 *   ce_dataschema   urn:authlog:event:v<schema version>
 *   ce_schemaversion <schema version>   (extension; a number is easier to compare than the URN)
 *   ce_traceparent / ce_tracestate      (Distributed Tracing extension, when the writer had them)
 *   content-type    application/json
 */
export interface CloudEventAttributes {
  readonly id: string;
  readonly accountId: string;
  /** ce_type as it travels (authlog.authentication): named once, by cloudEventType, and passed on unchanged. */
  readonly type: string;
  readonly time: string;
  readonly schemaVersion: number;
  readonly traceparent?: string | null;
  readonly tracestate?: string | null;
}

/**
 * The CloudEvents type of an event_type (authentication -> authlog.authentication). The one place
 * the name is made: the relay writes it as ce_type, consumers read ce_type as it is, and webhooks
 * rebuilt from MySQL (replays) call this for the same name.
 */
export function cloudEventType(eventType: string): string {
  return `authlog.${eventType}`;
}

/** The attributes the relay publishes for an event (what tests and benchmarks produce as well). */
export function eventAttributes(event: AuthEvent): CloudEventAttributes {
  return { id: event.txid, accountId: event.account_id, type: cloudEventType(event.event_type), time: event.timestamp, schemaVersion: event.schema_version };
}

/** Builds the Kafka message; `data` is the event JSON, passed through as bytes when already serialised. */
export function toKafkaMessage(attributes: CloudEventAttributes, data: string | Buffer): Message {
  const headers: IHeaders = {
    ce_specversion: '1.0',
    ce_id: attributes.id,
    ce_source: `/authlog/accounts/${attributes.accountId}`,
    ce_type: attributes.type,
    ce_time: attributes.time,
    ce_dataschema: `urn:authlog:event:v${attributes.schemaVersion}`,
    ce_schemaversion: String(attributes.schemaVersion),
    'content-type': 'application/json',
  };
  if (attributes.traceparent) headers.ce_traceparent = attributes.traceparent;
  if (attributes.tracestate) headers.ce_tracestate = attributes.tracestate;
  return { key: attributes.accountId, value: data, headers };
}

/** Reads the attributes back; throws MalformedCloudEventError when a required one is missing. */
export function fromKafkaMessage(message: KafkaMessage): CloudEventAttributes & { readonly data: Buffer } {
  const header = (name: string): string | undefined => {
    const value = message.headers?.[name];
    const first = Array.isArray(value) ? value[0] : value;
    return first === undefined ? undefined : first.toString();
  };
  const require = (name: string): string => {
    const value = header(name);
    if (value === undefined || value === '') throw new MalformedCloudEventError(`Kafka message at offset ${message.offset} lacks header ${name}`);
    return value;
  };
  const type = require('ce_type');
  if (message.value === null) throw new MalformedCloudEventError(`Kafka message at offset ${message.offset} has no value`);
  return {
    id: require('ce_id'),
    accountId: message.key?.toString() ?? require('ce_source').replace('/authlog/accounts/', ''),
    type,
    time: require('ce_time'),
    schemaVersion: Number(require('ce_schemaversion')),
    traceparent: header('ce_traceparent') ?? null,
    tracestate: header('ce_tracestate') ?? null,
    data: message.value,
  };
}
