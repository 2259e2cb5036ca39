import { createHash } from 'node:crypto';

export const OPERATIONAL_NOTICE_TYPES = [
  'endpoint.disabled',
  'endpoint.enabled',
  'message.attempt.failing',
  'message.attempt.exhausted',
  'message.attempt.recovered',
] as const;
export type OperationalNoticeType = (typeof OPERATIONAL_NOTICE_TYPES)[number];

/** One notice to an account's operational endpoint: the BullMQ job's data, everything needed to send it. */
export interface OperationalNotice {
  /** webhook-id and BullMQ job id: derived from what the notice is about, so a re-emission de-duplicates. */
  readonly id: string;
  readonly accountId: string;
  readonly type: OperationalNoticeType;
  /** `{"type", "timestamp", "data"}` exactly as sent and signed (Svix's shape). */
  readonly body: string;
}

/** The attempt a message notice reports. */
export interface LastAttempt {
  readonly status_code: number | null;
  readonly error_code: string | null;
  readonly at: string;
}

export interface MessageAttemptData {
  readonly endpoint_id: string;
  readonly message_id: string;
  readonly attempt: number;
  readonly last_attempt: LastAttempt;
}

export interface EndpointDisabledData {
  readonly endpoint_id: string;
  readonly url?: string;
  readonly reason: string;
  readonly detail: string;
  readonly failing_since: string | null;
}

/**
 * A notice whose id is a hash of its type and `identity` (the facts that make it this notice and no
 * other): the same message failing its 4th attempt twice (a re-run after a crash) is one notice.
 */
export function operationalNotice(accountId: string, type: OperationalNoticeType, data: object, identity: readonly string[], now = new Date()): OperationalNotice {
  const digest = createHash('sha256').update([accountId, type, ...identity].join('\n')).digest('hex').slice(0, 32);
  return { id: `opmsg_${digest}`, accountId, type, body: JSON.stringify({ type, timestamp: now.toISOString(), data }) };
}

/** Where notices go (OperationalQueue): resolves once the notice is durable. */
export interface NoticeSink {
  emit(notice: OperationalNotice): Promise<void>;
}
