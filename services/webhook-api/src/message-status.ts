import type { MessageStatus } from '../../../shared/webhooks/webhook-tables.js';

/** What a customer sees of a message: its durable state, or "failing" while retries remain. */
export type ListedMessageStatus = 'pending' | 'delivered' | 'failing' | 'failed';

export interface RecordedState {
  readonly status: MessageStatus;
  /** When the row last changed: for `pending`, when the send was queued. */
  readonly updatedAt: Date;
}

export interface LastAttempt {
  readonly outcome: 'success' | 'failure';
  readonly attemptedAt: Date;
}

/**
 * The dispatcher records a message in webhook_messages only when Redis alone must not hold it
 * (failed for good, sent through the API); a message delivered or still retrying after an event
 * has only its attempts. So a recorded `failed`/`delivered` is final, a recorded `pending` holds
 * until an attempt is made after it, and otherwise the last attempt decides: a failed attempt of
 * a message not recorded failed still has retries queued.
 */
export function listedStatus(recorded: RecordedState | undefined, last: LastAttempt | undefined): ListedMessageStatus {
  if (recorded?.status === 'failed') return 'failed';
  if (recorded?.status === 'delivered') return 'delivered';
  if (recorded?.status === 'pending' && (last === undefined || last.attemptedAt < recorded.updatedAt)) return 'pending';
  if (last === undefined) return 'pending';
  return last.outcome === 'success' ? 'delivered' : 'failing';
}
