import { z } from 'zod';
import { ValidationError } from '../../../shared/errors/validation-error.js';
import { toFieldIssues } from '../../../shared/event/parse-auth-event.js';
import { endpointFiltersSchema } from '../../../shared/webhooks/endpoint-filters.js';
import { isValidSecret } from '../../../shared/webhooks/signing.js';
import { parseDuration } from '../../../shared/webhooks/retry-schedule.js';
import { STATUS_CLASSES } from './attempt-queries.js';
import { HEADER_NAME, HEADER_VALUE, MAX_HEADER_NAME_LENGTH, MAX_HEADER_VALUE_LENGTH, MAX_HEADERS } from '../../../shared/webhooks/headers/header-rules.js';

const headerValue = z
  .string({ message: 'a header value string' })
  .max(MAX_HEADER_VALUE_LENGTH, { message: `at most ${MAX_HEADER_VALUE_LENGTH} characters` })
  .regex(HEADER_VALUE, { message: 'visible ASCII characters, inner spaces or tabs allowed, no line breaks and no leading or trailing space' });

/**
 * Custom headers as `{name: value}` (a value of null removes the header in a PATCH). Syntax and
 * count are checked here (400); names the dispatcher owns are refused by the route (422,
 * reserved-headers.ts) and the size of the whole set by the store (after a PATCH merges).
 */
const headersOf = <Value extends z.ZodType>(value: Value) =>
  z
    .record(
      z
        .string()
        .max(MAX_HEADER_NAME_LENGTH, { message: `a header name of at most ${MAX_HEADER_NAME_LENGTH} characters` })
        .regex(HEADER_NAME, { message: 'a header name (letters, digits and !#$%&\'*+.^_`|~-)' }),
      value,
      { message: 'an object of header names to values, e.g. {"Authorization": "Splunk <token>"}' },
    )
    .superRefine((headers, context) => {
      const names = Object.keys(headers);
      if (names.length > MAX_HEADERS) context.addIssue({ code: 'custom', message: `at most ${MAX_HEADERS} headers` });
      const seen = new Set<string>();
      for (const name of names) {
        if (seen.has(name.toLowerCase())) context.addIssue({ code: 'custom', path: [name], message: 'a name given once (header names ignore case)' });
        seen.add(name.toLowerCase());
      }
    });

/** The request shapes of the API. Unknown fields are refused, so a typo is a 400 instead of being ignored. */
export function requestSchemas(limits: { defaultMaxConcurrency: number; maxConcurrencyLimit: number }) {
  const url = z.string({ message: 'a URL string' }).min(1, { message: 'a URL' });
  const description = z.string({ message: 'a string' }).max(512, { message: 'at most 512 characters' });
  const rate = z
    .number({ message: 'a whole number of deliveries per second, or null' })
    .int({ message: 'a whole number' })
    .min(1, { message: 'at least 1' })
    .max(10_000, { message: 'at most 10000' })
    .nullable();
  const concurrency = z
    .number({ message: 'a whole number of requests in flight' })
    .int({ message: 'a whole number' })
    .min(1, { message: 'at least 1' })
    .max(limits.maxConcurrencyLimit, { message: `at most ${limits.maxConcurrencyLimit}` });
  const secret = z.string({ message: 'a whsec_ secret' }).refine(isValidSecret, { message: 'whsec_ followed by base64 of 24 to 64 random bytes' });
  // Bounds of the two overrides are the deployment's and answered as 422 (delivery-overrides.ts); here only their form.
  const timeoutMs = z.number({ message: 'a whole number of milliseconds, or null for the service default' }).int({ message: 'a whole number' }).positive({ message: 'above 0' }).nullable();
  const retrySchedule = z
    .array(
      z.string({ message: 'a duration such as 5s' }).max(16, { message: 'a duration such as 5s' }).refine((text) => parseDuration(text) !== undefined, { message: 'a duration such as 500ms, 5s, 5m, 2h or 1d' }),
      { message: 'a list of waits after each failed attempt, e.g. ["5s", "5m", "30m"], or null for the service default' },
    )
    .max(50, { message: 'at most 50 waits' })
    .nullable();
  const instant = z.iso.datetime({ offset: true, message: 'an ISO 8601 date-time with offset, e.g. 2026-11-26T12:00:00Z' });
  const eventType = z.string({ message: 'a webhook type of GET /v1/event-types' }).min(1, { message: 'a webhook type' }).max(64, { message: 'at most 64 characters' });
  const limit = (max: number) => z.coerce.number({ message: 'a number' }).int({ message: 'a whole number' }).min(1, { message: 'at least 1' }).max(max, { message: `at most ${max}` }).default(Math.min(50, max));

  return {
    createEndpoint: z
      .object({
        url,
        description: description.default(''),
        filters: endpointFiltersSchema.prefault({}),
        rate_limit_per_second: rate.default(null),
        max_concurrency: concurrency.default(limits.defaultMaxConcurrency),
        secret: secret.optional(),
        headers: headersOf(headerValue).default({}),
        timeout_ms: timeoutMs.default(null),
        retry_schedule: retrySchedule.default(null),
      })
      .strict(),
    updateEndpoint: z
      .object({
        url: url.optional(),
        description: description.optional(),
        filters: endpointFiltersSchema.optional(),
        rate_limit_per_second: rate.optional(),
        max_concurrency: concurrency.optional(),
        disabled: z.boolean({ message: 'true or false' }).optional(),
        headers: headersOf(headerValue.nullable()).optional(),
        timeout_ms: timeoutMs.optional(),
        retry_schedule: retrySchedule.optional(),
      })
      .strict(),
    listEndpoints: z.object({ limit: limit(250), after: z.string().max(32, { message: 'an endpoint id' }).optional() }).strict(),
    listAttempts: z
      .object({
        limit: limit(250),
        before: z.string().regex(/^\d{1,20}$/, { message: 'an attempt id' }).optional(),
        message_id: z.string().max(64, { message: 'a message id' }).optional(),
        outcome: z.enum(['success', 'failure'], { message: 'success or failure' }).optional(),
        status_class: z.enum(STATUS_CLASSES, { message: '2xx, 3xx, 4xx, 5xx, or none (no HTTP answer: refused, timed out)' }).optional(),
        from: instant.optional().describe('attempts at or after this instant'),
        to: instant.optional().describe('attempts before this instant'),
      })
      .strict(),
    listMessages: z
      .object({
        limit: limit(250),
        before: z.string().max(200, { message: 'the next_before of a previous page' }).optional(),
        status: z.enum(['pending', 'delivered', 'failing', 'failed'], { message: 'pending, delivered, failing or failed' }).optional(),
        event_type: eventType.optional(),
        from: instant.optional(),
        to: instant.optional(),
      })
      .strict(),
    rotateSecret: z.object({ secret: secret.optional() }).strict(),
    recover: z
      .object({
        since: instant,
        until: instant.optional(),
        status: z.literal('failed', { message: 'failed: only messages whose retries ran out are recovered (replay one that is still failing)' }).default('failed'),
        event_type: eventType.optional(),
      })
      .strict(),
    sendTest: z.object({ event_type: z.string({ message: 'a webhook type of GET /v1/event-types' }).max(128, { message: 'at most 128 characters' }).optional() }).strict(),
    empty: z.object({}).strict(),
    putOperationalEndpoint: z
      .object({
        url,
        description: description.optional(),
        enabled: z.boolean({ message: 'true or false' }).optional(),
      })
      .strict(),
  };
}

export type RequestSchemas = ReturnType<typeof requestSchemas>;

/** Parses or throws a ValidationError naming the first bad field (answered as 400). */
export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown): z.output<Schema> {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error.issues));
  return parsed.data;
}
