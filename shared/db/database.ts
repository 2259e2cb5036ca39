import type { ColumnType, Generated } from 'kysely';

/**
 * Kysely types of the tables in migrations/. Generated (virtual) columns appear as read-only
 * (`ColumnType<T, never, never>`), so a query cannot try to write them.
 */
export interface AuthlogTable {
  id: Generated<number>;
  account_id: string;
  txid: string;
  occurred_at: Date;
  /** The whole event as JSON text (AuthEvent); the columns below are views of it. */
  payload: string;
  recorded_at: ColumnType<Date, never, never>;
  event_type: ColumnType<string, never, never>;
  result: ColumnType<string, never, never>;
  reason: ColumnType<string, never, never>;
  factor: ColumnType<string, never, never>;
  user_key: ColumnType<string, never, never>;
  application_key: ColumnType<string, never, never>;
}

/**
 * The idempotency key of the partitioned Authlog (migrations/2026-12-08-91): one row per txid
 * recorded within the retry horizon, written in the same transaction as its authlog row.
 */
export interface AuthlogTxidTable {
  txid: string;
  /** The account the txid was recorded for: a second account's use of it is a conflict. */
  account_id: string;
  recorded_at: ColumnType<Date, never, never>;
}

export interface OutboxTable {
  id: Generated<number>;
  authlog_id: number;
  /** The authlog row's occurred_at: with authlog_id its whole primary key, so the relay's join reaches one partition. */
  occurred_at: Date;
  /** Kafka message key: the customer account, so an account's events share a partition. */
  account_id: string;
  /** Relay shard, derived from account_id by the database: CRC32(account_id) % 64. */
  shard: ColumnType<number, never, never>;
  event_type: string;
  schema_version: number;
  /** W3C trace context of the caller, forwarded as Kafka headers. */
  traceparent: string | null;
  tracestate: string | null;
  created_at: ColumnType<Date, never, never>;
  /** Set by the relay once Kafka acknowledged the row, when it keeps published rows for a while (RELAY_RETENTION_SECONDS). */
  published_at: ColumnType<Date | null, never, Date | null>;
}

/** Customer API keys (shared/auth): the secret is stored only as its SHA-256. */
export interface ApiKeysTable {
  key_id: string;
  account_id: string;
  secret_sha256: Buffer;
  name: string;
  /** Space-separated scopes (shared/auth/scopes.ts); the column's default is none. */
  scopes: ColumnType<string, string | undefined, never>;
  created_at: ColumnType<Date, never, never>;
  revoked_at: ColumnType<Date | null, never, Date | null>;
}

export interface AuthlogDatabase {
  authlog: AuthlogTable;
  authlog_txid: AuthlogTxidTable;
  outbox: OutboxTable;
  api_keys: ApiKeysTable;
}
