import type { Pool } from 'mysql2/promise';
import type { Message } from 'kafkajs';
import { parseAuthEvent } from '../../shared/event/parse-auth-event.js';
import { cloudEventType, toKafkaMessage } from '../../shared/kafka/cloud-event.js';
import { AuthSimulator } from '../../shared/simulation/auth-simulator.js';

export interface SimulatedRow {
  readonly id: number;
  readonly accountId: string;
  readonly txid: string;
  readonly eventType: string;
  readonly occurredAt: Date;
  readonly payload: string;
}

/**
 * The same simulated events, chunk by chunk, for the outbox fill and for the bare producer: a seeded
 * simulator makes the two identical without holding a million payloads in memory. Timestamps are
 * spread over the last day, as a backlog would be.
 */
export function* simulatedRows(total: number, chunk: number, seed = 4): Generator<SimulatedRow[]> {
  const simulator = new AuthSimulator({ accounts: 500, usersPerAccount: 200, seed, accountPrefix: 'acct_' });
  const end = Date.UTC(2026, 10, 26, 12);
  let id = 1;
  while (id <= total) {
    const rows: SimulatedRow[] = [];
    for (let index = 0; index < chunk && id <= total; index += 1, id += 1) {
      const event = parseAuthEvent(simulator.next(new Date(end - (total - id) * 50)));
      rows.push({ id, accountId: event.account_id, txid: event.txid, eventType: event.event_type, occurredAt: new Date(event.timestamp), payload: JSON.stringify(event) });
    }
    yield rows;
  }
}

/** The Kafka message the relay sends for a row (same headers, key and value bytes). */
export function messageOf(row: SimulatedRow): Message {
  return toKafkaMessage(
    { id: row.txid, accountId: row.accountId, type: cloudEventType(row.eventType), time: row.occurredAt.toISOString(), schemaVersion: 1 },
    Buffer.from(row.payload),
  );
}

/**
 * Fills authlog and outbox with multi-row INSERTs (explicit ids, 1,000 rows a statement, two
 * connections), the way a backlog builds up, far faster than one transaction per event.
 */
export async function fillOutbox(pool: Pool, total: number, log: (message: string) => void): Promise<void> {
  const chunks = simulatedRows(total, 1000);
  let done = 0;
  const worker = async () => {
    for (let next = chunks.next(); !next.done; next = chunks.next()) {
      const rows = next.value;
      // One transaction per chunk, authlog_txid (the idempotency key) included, as every write path.
      const connection = await pool.getConnection();
      try {
        await connection.beginTransaction();
        await connection.query('INSERT INTO authlog_txid (txid, account_id) VALUES ?', [rows.map((row) => [row.txid, row.accountId])]);
        await connection.query('INSERT INTO authlog (id, occurred_at, account_id, txid, payload) VALUES ?', [
          rows.map((row) => [row.id, row.occurredAt, row.accountId, row.txid, row.payload]),
        ]);
        await connection.query('INSERT INTO outbox (id, authlog_id, occurred_at, account_id, event_type, schema_version) VALUES ?', [
          rows.map((row) => [row.id, row.id, row.occurredAt, row.accountId, row.eventType, 1]),
        ]);
        await connection.commit();
      } catch (error) {
        await connection.rollback().catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
      done += rows.length;
      if (done % 100_000 === 0) log(`  filled ${done} rows`);
    }
  };
  await Promise.all([worker(), worker()]);
}
