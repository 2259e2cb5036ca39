import type { Selectable } from 'kysely';
import type { Endpoint } from '../../../shared/webhooks/endpoint-record.js';
import type { ListedMessage } from './message-list-query.js';
import type { WebhookAttemptsTable } from '../../../shared/webhooks/webhook-tables.js';
import type { OperationalEndpoint } from '../../../shared/webhooks/operational/operational-endpoint.js';
import type { AttemptView, EndpointView, MessageView, OperationalEndpointView } from './response-schemas.js';

/**
 * The JSON shapes customers see (snake_case like the events). Secrets appear only where asked for;
 * custom header values never (they are credentials such as `Authorization: Splunk <token>`): each
 * name is shown with `***`. Typed by response-schemas.ts, from which the OpenAPI document is generated.
 */
export function endpointView(endpoint: Endpoint): EndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    // Stored filters were checked against the same vocabularies when written.
    filters: endpoint.filters as EndpointView['filters'],
    rate_limit_per_second: endpoint.rateLimitPerSecond,
    max_concurrency: endpoint.maxConcurrency,
    headers: Object.fromEntries(endpoint.headerNames.map((name) => [name, '***'])),
    timeout_ms: endpoint.timeoutMs,
    retry_schedule: endpoint.retrySchedule === null ? null : [...endpoint.retrySchedule],
    enabled: endpoint.enabled,
    disabled_reason: endpoint.disabledReason,
    disabled_detail: endpoint.disabledDetail,
    disabled_at: endpoint.disabledAt?.toISOString() ?? null,
    failing_since: endpoint.failingSince?.toISOString() ?? null,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}

export function attemptView(row: Selectable<WebhookAttemptsTable>): AttemptView {
  return {
    id: String(row.id),
    message_id: row.message_id,
    attempt: row.attempt,
    trigger: row.trigger_type as AttemptView['trigger'],
    attempted_at: row.attempted_at.toISOString(),
    outcome: row.outcome,
    status_code: row.status_code,
    latency_ms: row.latency_ms,
    error_code: row.error_code,
    error: row.error,
    response_excerpt: row.response_excerpt,
    // Written by the dispatcher from JSON.stringify of a name-to-value object (custom values already redacted).
    request_headers: row.request_headers === null ? null : (JSON.parse(row.request_headers) as Record<string, string>),
  };
}

export function messageView(message: ListedMessage, nextAttemptAt: Date | undefined): MessageView {
  const { recorded, lastAttempt } = message;
  return {
    message_id: message.position.messageId,
    type: message.type,
    status: message.status,
    first_seen_at: message.position.seenAt.toISOString(),
    attempts: message.attempts,
    last_attempt_at: lastAttempt?.attempted_at.toISOString() ?? null,
    last_attempt_outcome: lastAttempt?.outcome ?? null,
    last_status_code: lastAttempt?.status_code ?? null,
    next_attempt_at: nextAttemptAt?.toISOString() ?? null,
    last_error: recorded?.last_error ?? (lastAttempt?.outcome === 'failure' ? lastAttempt.error : null),
    failed_at: recorded?.failed_at?.toISOString() ?? null,
    updated_at: recorded?.updated_at.toISOString() ?? null,
  };
}

export function operationalEndpointView(endpoint: OperationalEndpoint): OperationalEndpointView {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    enabled: endpoint.enabled,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}
