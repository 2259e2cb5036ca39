import type { AuthResult, EventType, Factor, Reason } from './vocabulary.js';

/**
 * Version of the event shape below. Travels with every event (payload field, outbox column, Kafka
 * header) so consumers can tell old events from new ones; bump it on any incompatible change.
 */
export const EVENT_SCHEMA_VERSION = 1;

export interface Location {
  readonly city: string | null;
  readonly state: string | null;
  readonly country: string | null;
}

export interface AccessDevice {
  readonly ip: string | null;
  readonly hostname: string | null;
  readonly location: Location;
  readonly os: string | null;
  readonly os_version: string | null;
  readonly browser: string | null;
  readonly browser_version: string | null;
  /** Security posture; null when the endpoint could not be inspected (Duo's "unknown"). */
  readonly is_encryption_enabled: boolean | null;
  readonly is_firewall_enabled: boolean | null;
  readonly is_password_set: boolean | null;
  readonly security_agents: readonly string[];
}

export interface AuthDevice {
  readonly name: string | null;
  readonly ip: string | null;
  readonly location: Location;
}

/**
 * One authentication log record, modelled on Duo's Admin API v2 authentication log, plus the
 * customer account it belongs to. Field names are Duo's (snake_case), so what customers receive in
 * webhooks and exports reads like the API they know. `txid` is the event id everywhere downstream
 * (Kafka ce_id, Elasticsearch _id, webhook-id).
 */
export interface AuthEvent {
  readonly schema_version: typeof EVENT_SCHEMA_VERSION;
  readonly account_id: string;
  readonly txid: string;
  /** ISO 8601 in UTC with milliseconds, e.g. 2026-11-26T12:00:00.000Z. */
  readonly timestamp: string;
  readonly event_type: EventType;
  readonly result: AuthResult;
  readonly reason: Reason;
  readonly factor: Factor;
  readonly user: { readonly key: string; readonly name: string; readonly groups: readonly string[] };
  readonly application: { readonly key: string; readonly name: string };
  readonly access_device: AccessDevice;
  readonly auth_device: AuthDevice | null;
  /** Which software was out of date, for reason out_of_date (e.g. "Chrome 118"). */
  readonly ood_software: string | null;
}
