import { z } from 'zod';
import { authEventAnswerSchema } from '../../../shared/http/openapi/auth-event-answer.js';
import { EVENT_TYPES, REASONS, RESULTS } from '../../../shared/event/vocabulary.js';

/**
 * The JSON answers of the webhook API (views.ts builds them). Strict: a field a view gains without
 * being described here fails the OpenAPI drift test (test/webhooks/openapi-drift.test.ts), and the
 * views are typed by these schemas, so a field described here and not built fails to compile.
 */
const instant = z.iso.datetime({ offset: true });
const nullableInstant = instant.nullable();

const endpointFilters = z
  .object({
    event_types: z.array(z.enum(EVENT_TYPES)),
    results: z.array(z.enum(RESULTS)),
    reasons: z.array(z.enum(REASONS)),
    applications: z.array(z.string()),
    users: z.array(z.string()),
    groups: z.array(z.string()),
    ip: z.array(z.string()).describe('addresses or CIDR blocks, IPv4 or IPv6'),
  })
  .strict()
  .describe('an empty list means any; within a list any value, across lists all');

export const endpointSchema = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string(),
    filters: endpointFilters,
    rate_limit_per_second: z.number().int().nullable(),
    max_concurrency: z.number().int(),
    headers: z.record(z.string(), z.literal('***')).describe('custom header names; values are never shown'),
    timeout_ms: z.number().int().nullable().describe("null: the dispatcher's WEBHOOK_TIMEOUT_MS"),
    retry_schedule: z.array(z.string()).nullable().describe("waits after each failed attempt; null: the service's WEBHOOK_RETRY_SCHEDULE"),
    enabled: z.boolean(),
    disabled_reason: z.enum(['endpoint_gone', 'failing_continuously', 'disabled_by_customer']).nullable(),
    disabled_detail: z.string().nullable(),
    disabled_at: nullableInstant,
    failing_since: nullableInstant,
    created_at: instant,
    updated_at: instant,
  })
  .strict();
export type EndpointView = z.output<typeof endpointSchema>;

const replayedSecret = 'null in an Idempotency-Key replay (Idempotent-Replayed: true): the secret is not kept with the answer; GET .../secret reads it';
export const createdEndpointSchema = endpointSchema.extend({ secret: z.string().nullable().describe(`whsec_...: shown here, by GET .../secret and by rotate only; ${replayedSecret}`) }).strict();

export const endpointListSchema = z.object({ data: z.array(endpointSchema), next_after: z.string().nullable().describe('pass as after for the next page; null on the last') }).strict();

export const secretSchema = z
  .object({
    secret: z.string().nullable(),
    secrets: z.array(z.object({ secret: z.string(), created_at: instant, expires_at: nullableInstant }).strict()),
  })
  .strict();

export const rotatedSecretSchema = z.object({ secret: z.string().nullable().describe(`the new secret; ${replayedSecret}`), previous_secret_expires_at: instant }).strict();

export const acceptedMessageSchema = z.object({ message_id: z.string() }).strict();

export const recoveredSchema = z.object({ recovered: z.number().int().min(0) }).strict();

export const attemptSchema = z
  .object({
    id: z.string(),
    message_id: z.string(),
    attempt: z.number().int(),
    trigger: z.enum(['event', 'test', 'replay', 'recover', 'operational']).describe('operational: a notice to the operational endpoint'),
    attempted_at: instant,
    outcome: z.enum(['success', 'failure']),
    status_code: z.number().int().nullable(),
    latency_ms: z.number().int(),
    error_code: z.string().nullable(),
    error: z.string().nullable(),
    response_excerpt: z.string().nullable(),
    request_headers: z
      .record(z.string(), z.string())
      .nullable()
      .describe('the headers the attempt sent, names lower-cased; the values of the endpoint\'s custom headers are "[redacted]"; null for attempts logged before headers were kept'),
  })
  .strict();
export type AttemptView = z.output<typeof attemptSchema>;

export const attemptListSchema = z.object({ data: z.array(attemptSchema), next_before: z.string().nullable().describe('pass as before for the next page; null on the last') }).strict();

export const operationalAttemptSchema = attemptSchema
  .extend({ type: z.string().nullable().describe('the notice\'s type (endpoint.disabled, message.attempt.failing, ...); null for attempts logged before it was kept') })
  .strict();
export type OperationalAttemptView = z.output<typeof operationalAttemptSchema>;

export const operationalAttemptListSchema = z.object({ data: z.array(operationalAttemptSchema), next_before: attemptListSchema.shape.next_before }).strict();

export const messageSchema = z
  .object({
    message_id: z.string().describe('the webhook-id: the event\'s txid, or msg_... for a test message'),
    type: z.string().nullable().describe('webhook type; null when the event is no longer in the Authlog'),
    status: z
      .enum(['pending', 'delivered', 'failing', 'failed'])
      .describe('pending: queued, not attempted since; failing: the last attempt failed and retries remain; failed: retries ran out (recover sends it again)'),
    first_seen_at: instant.describe('its first attempt, or when it was queued if earlier: its place in the list'),
    attempts: z.number().int().min(0),
    last_attempt_at: nullableInstant,
    last_attempt_outcome: z.enum(['success', 'failure']).nullable(),
    last_status_code: z.number().int().nullable(),
    next_attempt_at: nullableInstant.describe('when BullMQ next tries it (its delayed job); null when none is waiting or the job is a replay'),
    last_error: z.string().nullable(),
    failed_at: nullableInstant,
    updated_at: nullableInstant.describe('when its recorded state last changed; null for an event delivered or retrying without one'),
  })
  .strict();
export type MessageView = z.output<typeof messageSchema>;

export const messageListSchema = z
  .object({ data: z.array(messageSchema), next_before: z.string().nullable().describe('pass as before for the next page (opaque); null on the last') })
  .strict();

const statsWindow = z
  .object({
    since: instant.describe('the start of the hour 24 h (or 28 days) ago'),
    delivered: z.number().int().min(0).describe('successful attempts'),
    failed: z.number().int().min(0).describe('failed attempts'),
    latency_p50_ms: z.number().int().nullable().describe('upper bound of the histogram bucket holding the median (25, 50, 100, 200, 300, 500, 750, 1000, 2000, 5000, 10000); null without attempts'),
    latency_p95_ms: z.number().int().nullable(),
  })
  .strict();

export const endpointStatsSchema = z
  .object({
    last_24h: statsWindow,
    last_28d: statsWindow,
    failing_streak: z
      .object({
        attempts: z.number().int().min(0).describe('failed attempts since the last success'),
        at_least: z.boolean().describe('true when more than the 10000 newest attempts failed'),
        failing_since: nullableInstant,
      })
      .strict(),
    queue: z
      .object({
        waiting: z.number().int().min(0),
        delayed: z.number().int().min(0).describe('retries waiting out the schedule, or parked by the endpoint\'s limits'),
        exact: z.boolean().describe('false when the queue was too long to count fully (lower bounds)'),
      })
      .strict(),
  })
  .strict();
export type EndpointStatsView = z.output<typeof endpointStatsSchema>;

export const eventTypeListSchema = z
  .object({
    data: z.array(
      z
        .object({
          type: z.string(),
          event_type: z.enum(EVENT_TYPES),
          schema_version: z.number().int(),
          description: z.string(),
          schema: z.record(z.string(), z.unknown()).describe('JSON Schema (2020-12) of data, the same document as schemas/<type>.v<n>.json'),
          example: z.object({ type: z.string(), timestamp: instant, data: authEventAnswerSchema }).strict(),
        })
        .strict(),
    ),
  })
  .strict();

export const operationalEndpointSchema = z
  .object({
    id: z.string().describe('op_...'),
    url: z.string(),
    description: z.string(),
    enabled: z.boolean().describe('false: notices are not sent (nor kept for later)'),
    created_at: instant,
    updated_at: instant,
  })
  .strict();
export type OperationalEndpointView = z.output<typeof operationalEndpointSchema>;

export const putOperationalEndpointSchema = operationalEndpointSchema
  .extend({ secret: z.string().nullable().describe(`whsec_...: only in the answer that created the endpoint (201); null when it replaced one (200) and ${replayedSecret}`) })
  .strict();
