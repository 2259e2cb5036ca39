import { matchesFilters, type FilterableEvent } from '../../../../shared/webhooks/endpoint-filters.js';
import type { Endpoint } from '../../../../shared/webhooks/endpoint-record.js';
import type { MessageStatus } from '../../../../shared/webhooks/webhook-tables.js';
import type { TraceAttempt, WebhookHop } from './event-trace.js';

export interface WebhookHopInput {
  readonly endpoint: Endpoint;
  readonly event: FilterableEvent;
  readonly committedAt: Date;
  /** When Kafka acknowledged the event; undefined when it is not published yet. */
  readonly publishedAt: Date | undefined;
  /** False while the event still waits in the outbox. */
  readonly published: boolean;
  readonly attempts: readonly TraceAttempt[];
  /** webhook_messages.status, when the dispatcher keeps a row for this message. */
  readonly messageStatus: MessageStatus | undefined;
  readonly nowMs: number;
  readonly marginMs: number;
}

/**
 * What happened to one event at one endpoint, from the attempt log and webhook_messages only.
 * Attempts, when there are any, decide (a success wins, then retries that ran out); without any,
 * the first reason that explains it: filters, an endpoint created after the event, a disabled
 * endpoint, a message queued for replay; otherwise "not yet" within the margin after publication
 * and "missing" past it.
 */
export function webhookHop(input: WebhookHopInput): WebhookHop {
  const { endpoint, attempts } = input;
  const filtersMatch = matchesFilters(endpoint.filters, input.event);
  const hop = (status: WebhookHop['status'], detail: string): WebhookHop => ({
    endpoint_id: endpoint.id,
    description: endpoint.description,
    filters_match: filtersMatch,
    status,
    detail,
    attempts,
  });
  if (attempts.length > 0) {
    const success = attempts.find((attempt) => attempt.outcome === 'success');
    if (success !== undefined) return hop('delivered', `delivered at ${success.at} (attempt ${success.attempt} of ${attempts.length})`);
    if (input.messageStatus === 'failed') return hop('failed', `every retry failed (${attempts.length} attempts); recoverable through the webhook API`);
    return hop('retrying', `${attempts.length} failed attempt(s) so far; the next one is scheduled`);
  }
  if (!filtersMatch) return hop('filtered_out', "the endpoint's filters do not select this event");
  if (endpoint.createdAt.getTime() > input.committedAt.getTime()) return hop('created_after_event', `the endpoint was created at ${endpoint.createdAt.toISOString()}, after the event`);
  if (!endpoint.enabled) {
    const since = endpoint.disabledAt === null ? '' : ` since ${endpoint.disabledAt.toISOString()}`;
    return hop('endpoint_disabled', `the endpoint is disabled${since} (${endpoint.disabledReason ?? 'disabled'})`);
  }
  if (input.messageStatus === 'pending') return hop('not_yet', 'queued for delivery (replay or recovery), no attempt yet');
  if (!input.published) return hop('not_yet', 'the event is not published yet');
  const since = (input.publishedAt ?? input.committedAt).getTime();
  const ageSeconds = Math.round((input.nowMs - since) / 1000);
  if (input.nowMs - since < input.marginMs) return hop('not_yet', `no attempt yet ${ageSeconds} s after publication: queued, or not yet read by the dispatcher`);
  return hop('missing', `no attempt recorded ${ageSeconds} s after publication`);
}
