import type { AuthEvent } from '../event/auth-event.js';

/** One event of the firehose, validated against the published schema, with where it came from. */
export interface FirehoseEvent {
  readonly event: AuthEvent;
  /** ce_type, e.g. authlog.authentication (also the schema file: schemas/<type>.v<version>.json). */
  readonly type: string;
  /** ce_id, the event id: equal to event.txid. The dedupe key (delivery is at-least-once). */
  readonly id: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * Called once per event, in order within a partition (so in order per account). Resolve when the
 * event is handled: its offset is committed only after that, so a crash replays it (at-least-once:
 * dedupe by `id` if that matters). Throw FirehoseRejection to dead-letter one event for good; any
 * other error is retried with back-off, holding the partition (order is kept).
 */
export type FirehoseHandler = (event: FirehoseEvent, signal: AbortSignal) => Promise<void>;
