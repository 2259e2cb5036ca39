import { sql, type Kysely } from 'kysely';

/**
 * Indexes of `GET /v1/endpoints/:id/messages` (services/webhook-api/src/message-list-query.ts).
 * A message is listed at the time it was first seen: its first attempt, or the creation of its
 * webhook_messages row when that came first (an API send not yet attempted, a message failed for a
 * disabled endpoint). The list walks both sources newest first, keyed by (time, message_id), so it
 * needs each ordered that way per endpoint; without them every page sorted the endpoint's whole log.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_attempts ADD KEY ix_webhook_attempts_endpoint_time (endpoint_id, attempted_at, message_id)`.execute(db);
  await sql`ALTER TABLE webhook_messages ADD KEY ix_webhook_messages_endpoint_created (endpoint_id, created_at, message_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_messages DROP KEY ix_webhook_messages_endpoint_created`.execute(db);
  await sql`ALTER TABLE webhook_attempts DROP KEY ix_webhook_attempts_endpoint_time`.execute(db);
}
