import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import type { MessagePosition } from './message-cursor.js';

export interface PositionRange {
  readonly before?: MessagePosition | undefined;
  /** First seen at or after. */
  readonly from?: Date | undefined;
  /** First seen before. */
  readonly to?: Date | undefined;
}

/**
 * The next `count` messages of an endpoint, newest first by (first seen, id). A message is first
 * seen at its first attempt (by id), unless its webhook_messages row is older (an API send not yet
 * attempted, or a message failed for a disabled endpoint, never attempted): exactly one of the two
 * queries below yields each message, each walking an index of migration 2026-12-08-94 backwards.
 * The top `count` of both lists merged is the top `count` of the union.
 *
 * Every table read names its index (FORCE INDEX). Without statistics (a table just bulk-loaded or
 * restored, before InnoDB's background recount or an ANALYZE TABLE) MariaDB saw each index of
 * webhook_attempts as equal and probed "the message's earlier attempts" through
 * (endpoint_id, id): every attempt of the endpoint per listed message, 13.9 s and more for page 1
 * at 200,000 attempts. The plan is the same with or without statistics now (bench
 * webhook-messages, test/webhooks/message-list-plans.test.ts).
 */
export async function messagePositions(
  db: Kysely<WebhooksDatabase>,
  accountId: string,
  endpointId: string,
  range: PositionRange,
  count: number,
): Promise<MessagePosition[]> {
  const [attempted, recorded] = await Promise.all([
    firstAttempts(db, accountId, endpointId, range, count),
    recordedFirst(db, accountId, endpointId, range, count),
  ]);
  return [...attempted, ...recorded].sort(newestFirst).slice(0, count);
}

async function firstAttempts(db: Kysely<WebhooksDatabase>, accountId: string, endpointId: string, range: PositionRange, count: number): Promise<MessagePosition[]> {
  const { rows } = await sql<MessagePosition>`
    SELECT a.message_id AS messageId, a.attempted_at AS seenAt
    FROM webhook_attempts a FORCE INDEX (ix_webhook_attempts_endpoint_time)
    LEFT JOIN webhook_messages m FORCE INDEX (PRIMARY) ON m.endpoint_id = a.endpoint_id AND m.message_id = a.message_id
    WHERE a.endpoint_id = ${endpointId} AND a.account_id = ${accountId}
      AND NOT EXISTS (
        SELECT 1 FROM webhook_attempts p FORCE INDEX (ix_webhook_attempts_message)
        WHERE p.endpoint_id = a.endpoint_id AND p.message_id = a.message_id AND p.id < a.id
      )
      AND (m.created_at IS NULL OR m.created_at > a.attempted_at)
      ${rangeOf(sql.ref('a.attempted_at'), sql.ref('a.message_id'), range)}
    ORDER BY a.attempted_at DESC, a.message_id DESC
    LIMIT ${count}
  `.execute(db);
  return rows;
}

async function recordedFirst(db: Kysely<WebhooksDatabase>, accountId: string, endpointId: string, range: PositionRange, count: number): Promise<MessagePosition[]> {
  // The complement of firstAttempts' join condition: no attempt, or the first one (by id) not older than the row.
  const { rows } = await sql<MessagePosition>`
    SELECT m.message_id AS messageId, m.created_at AS seenAt
    FROM webhook_messages m FORCE INDEX (ix_webhook_messages_endpoint_created)
    WHERE m.endpoint_id = ${endpointId} AND m.account_id = ${accountId}
      AND COALESCE((
        SELECT f.attempted_at FROM webhook_attempts f FORCE INDEX (ix_webhook_attempts_message)
        WHERE f.endpoint_id = m.endpoint_id AND f.message_id = m.message_id
        ORDER BY f.id LIMIT 1
      ), m.created_at) >= m.created_at
      ${rangeOf(sql.ref('m.created_at'), sql.ref('m.message_id'), range)}
    ORDER BY m.created_at DESC, m.message_id DESC
    LIMIT ${count}
  `.execute(db);
  return rows;
}

/** `AND ...` for from, to and the cursor over a (time, id) key; empty without them. */
function rangeOf(time: RawBuilder<unknown>, id: RawBuilder<unknown>, range: PositionRange): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [];
  if (range.from !== undefined) conditions.push(sql`${time} >= ${range.from}`);
  if (range.to !== undefined) conditions.push(sql`${time} < ${range.to}`);
  const before = range.before;
  if (before !== undefined) conditions.push(sql`(${time} < ${before.seenAt} OR (${time} = ${before.seenAt} AND ${id} < ${before.messageId}))`);
  return conditions.length === 0 ? sql`` : sql`AND ${sql.join(conditions, sql` AND `)}`;
}

function newestFirst(left: MessagePosition, right: MessagePosition): number {
  const byTime = right.seenAt.getTime() - left.seenAt.getTime();
  if (byTime !== 0) return byTime;
  return left.messageId < right.messageId ? 1 : left.messageId > right.messageId ? -1 : 0;
}
