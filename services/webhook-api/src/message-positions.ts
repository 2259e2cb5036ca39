import { sql, type Kysely } from 'kysely';
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

function firstAttempts(db: Kysely<WebhooksDatabase>, accountId: string, endpointId: string, range: PositionRange, count: number): Promise<MessagePosition[]> {
  let query = db
    .selectFrom('webhook_attempts as a')
    .leftJoin('webhook_messages as m', (join) => join.onRef('m.endpoint_id', '=', 'a.endpoint_id').onRef('m.message_id', '=', 'a.message_id'))
    .select(['a.message_id as messageId', 'a.attempted_at as seenAt'])
    .where('a.endpoint_id', '=', endpointId)
    .where('a.account_id', '=', accountId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('webhook_attempts as p').select(sql`1`.as('one')).whereRef('p.endpoint_id', '=', 'a.endpoint_id').whereRef('p.message_id', '=', 'a.message_id').whereRef('p.id', '<', 'a.id'))),
    )
    .where((eb) => eb.or([eb('m.created_at', 'is', null), eb('m.created_at', '>', eb.ref('a.attempted_at'))]));
  if (range.from !== undefined) query = query.where('a.attempted_at', '>=', range.from);
  if (range.to !== undefined) query = query.where('a.attempted_at', '<', range.to);
  const before = range.before;
  if (before !== undefined) {
    query = query.where((eb) => eb.or([eb('a.attempted_at', '<', before.seenAt), eb.and([eb('a.attempted_at', '=', before.seenAt), eb('a.message_id', '<', before.messageId)])]));
  }
  return query.orderBy('a.attempted_at', 'desc').orderBy('a.message_id', 'desc').limit(count).execute();
}

function recordedFirst(db: Kysely<WebhooksDatabase>, accountId: string, endpointId: string, range: PositionRange, count: number): Promise<MessagePosition[]> {
  // The complement of firstAttempts' join condition: no attempt, or the first one (by id) not older than the row.
  const firstAttemptAt = sql<Date | null>`(SELECT f.attempted_at FROM webhook_attempts f WHERE f.endpoint_id = m.endpoint_id AND f.message_id = m.message_id ORDER BY f.id LIMIT 1)`;
  let query = db
    .selectFrom('webhook_messages as m')
    .select(['m.message_id as messageId', 'm.created_at as seenAt'])
    .where('m.endpoint_id', '=', endpointId)
    .where('m.account_id', '=', accountId)
    .where(sql<boolean>`COALESCE(${firstAttemptAt}, m.created_at) >= m.created_at`);
  if (range.from !== undefined) query = query.where('m.created_at', '>=', range.from);
  if (range.to !== undefined) query = query.where('m.created_at', '<', range.to);
  const before = range.before;
  if (before !== undefined) {
    query = query.where((eb) => eb.or([eb('m.created_at', '<', before.seenAt), eb.and([eb('m.created_at', '=', before.seenAt), eb('m.message_id', '<', before.messageId)])]));
  }
  return query.orderBy('m.created_at', 'desc').orderBy('m.message_id', 'desc').limit(count).execute();
}

function newestFirst(left: MessagePosition, right: MessagePosition): number {
  const byTime = right.seenAt.getTime() - left.seenAt.getTime();
  if (byTime !== 0) return byTime;
  return left.messageId < right.messageId ? 1 : left.messageId > right.messageId ? -1 : 0;
}
