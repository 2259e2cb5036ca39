import type { Job } from 'bullmq';
import type { Logger } from '../../../shared/log/logger.js';
import type { DeliveryJobData } from '../../../shared/webhooks/delivery-queue.js';
import type { MessageStore } from '../../../shared/webhooks/message-store.js';
import type { DispatcherMetrics } from './dispatcher-metrics.js';

/**
 * Records as failed, in webhook_messages, a message whose job stalled too often (its dispatcher
 * died while holding it, again and again), so `recover` finds it like any other failed message.
 * Without this, BullMQ failed such a job on its own and it sat in BullMQ's failed set only, where
 * neither the API nor the customer could see or recover it (issue 13 item 13).
 */
export class StalledJobRecorder {
  constructor(
    private readonly messages: MessageStore,
    private readonly metrics: DispatcherMetrics,
    private readonly logger: Logger,
  ) {}

  async record(job: Job<DeliveryJobData>, why: string): Promise<void> {
    const { data } = job;
    await this.messages.markFailed({ endpointId: data.endpointId, messageId: data.messageId, accountId: data.accountId, type: data.type, body: data.body }, why);
    this.metrics.messagesFailed.inc({ reason: 'stalled' });
    this.logger.warn({ jobId: job.id, endpointId: data.endpointId, messageId: data.messageId, stalled: job.stalledCounter, error: why }, 'webhook message failed: its job stalled too often; recoverable through the API');
  }
}
