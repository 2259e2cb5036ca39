import type { DeliveryJobData } from '../../../../shared/webhooks/delivery-queue.js';
import { operationalNotice, type MessageAttemptData, type NoticeSink, type OperationalNoticeType } from '../../../../shared/webhooks/operational/operational-notice.js';
import type { AttemptResult } from '../http-deliverer.js';

/** The failed attempt after which a message is reported `failing` (Svix's "exhausting" comes at the 4th too). */
export const FAILING_AFTER_ATTEMPT = 4;

/**
 * Turns attempts of customer messages into operational notices, from the attempt number alone (no
 * state to keep): `failing` when attempt 4 fails with retries left, `exhausted` when the last one
 * fails, `recovered` when an attempt after the 4th succeeds (a failing notice was then sent). Each
 * notice's id is derived from the message, endpoint and type, so a job re-run after a crash emits
 * the same notice again and the queue keeps one. Emitted before the job's outcome is acknowledged.
 */
export class AttemptNotices {
  constructor(private readonly sink: NoticeSink) {}

  async afterFailure(data: DeliveryJobData, attempt: number, attemptsLeft: number, result: AttemptResult): Promise<void> {
    if (attemptsLeft <= 0) await this.#emit('message.attempt.exhausted', data, attempt, result);
    else if (attempt === FAILING_AFTER_ATTEMPT) await this.#emit('message.attempt.failing', data, attempt, result);
  }

  async afterSuccess(data: DeliveryJobData, attempt: number, result: AttemptResult): Promise<void> {
    if (attempt > FAILING_AFTER_ATTEMPT) await this.#emit('message.attempt.recovered', data, attempt, result);
  }

  async #emit(type: OperationalNoticeType, data: DeliveryJobData, attempt: number, result: AttemptResult): Promise<void> {
    const now = new Date();
    const payload: MessageAttemptData = {
      endpoint_id: data.endpointId,
      message_id: data.messageId,
      attempt,
      last_attempt: { status_code: result.statusCode, error_code: result.errorCode, at: new Date(now.getTime() - result.latencyMs).toISOString() },
    };
    // A replay or recovery is a new life of the message: its notices are new ones too.
    await this.sink.emit(operationalNotice(data.accountId, type, payload, [data.endpointId, data.messageId, data.trigger], now));
  }
}
