import { z } from 'zod';
import { authEventAnswerSchema } from '../../../../shared/http/openapi/auth-event-answer.js';
import { BREAKDOWN_DIMENSIONS } from '../reports/breakdown-report.js';
import { INTERVALS } from '../reports/volume-interval.js';
import type { AuthLogPage } from '../auth-log/auth-log-page.js';
import type { CompletenessAnswer } from '../completeness/completeness-report.js';
import type { BreakdownReport } from '../reports/breakdown-report.js';
import type { DistinctUsersReport } from '../reports/distinct-users-report.js';
import type { Freshness } from '../reports/freshness.js';
import type { OutOfDateReport } from '../reports/out-of-date-report.js';
import type { VolumeReport } from '../reports/volume-report.js';
import type { EventTrace } from '../trace/event-trace.js';

/**
 * The JSON answers of the reports API, from which its OpenAPI document is generated. Strict: an
 * answer that gains a field not described here fails test/reports/openapi-drift.test.ts, which
 * parses a real answer of every route with these.
 */
const instant = z.string().describe('ISO 8601 date-time');
const zonedInstant = z.string().describe('ISO 8601 date-time with the offset of the report time zone');
const count = z.number().int().min(0);

export const freshnessSchema = z
  .object({
    checked_at: instant,
    status: z.enum(['current', 'behind', 'unknown']),
    newest_event_at: instant.nullable(),
    newest_recorded_at: instant.nullable(),
    lag_ms: z.number().nullable(),
    newest_indexed_at: instant.nullable(),
    last_pipeline_delay_ms: z.number().nullable(),
    note: z.string(),
  })
  .strict()
  .describe('how fresh the answer is: reports read Elasticsearch, which trails the authlog by the pipeline delay');

export const accountSchema = z.object({ account_id: z.string(), display_name: z.string(), time_zone: z.string() }).strict();
export const freshnessAnswerSchema = z.object({ freshness: freshnessSchema }).strict();

const header = (report: string) => ({ report: z.literal(report), account_id: z.string(), time_zone: z.string(), from: zonedInstant, to: zonedInstant, freshness: freshnessSchema });
const distinctMethod = z.object({ exact: z.boolean(), method: z.enum(['cardinality', 'composite']), note: z.string() }).strict().describe('how distinct users were counted: approximate (HyperLogLog++) unless exact=true');

export const distinctUsersSchema = z
  .object({
    ...header('distinct_users'),
    distinct: distinctMethod,
    days: z.array(z.object({ date: z.string(), start: zonedInstant, distinct_users: count, events: count }).strict()),
    total: z.object({ distinct_users: count, events: count }).strict(),
  })
  .strict();

export const outOfDateSchema = z
  .object({
    ...header('out_of_date'),
    distinct: distinctMethod,
    months: z.array(
      z
        .object({
          month: z.string(),
          start: zonedInstant,
          events: count,
          distinct_users: count,
          software: z.array(z.object({ ood_software: z.string().nullable(), events: count, distinct_users: count }).strict()),
          other_software_events: count,
        })
        .strict(),
    ),
    total: z.object({ events: count, distinct_users: count }).strict(),
  })
  .strict();

const resultCounts = { success: count, denied: count, fraud: count, total: count };
export const volumeSchema = z
  .object({
    ...header('volume'),
    interval: z.enum(INTERVALS),
    interval_chosen: z.enum(['auto', 'given']),
    exact: z.literal(true),
    buckets: z.array(z.object({ start: zonedInstant, ...resultCounts }).strict()),
    total: z.object(resultCounts).strict(),
  })
  .strict();

export const breakdownSchema = z
  .object({
    ...header('breakdown'),
    by: z.enum(BREAKDOWN_DIMENSIONS),
    exact: z.boolean(),
    items: z.array(z.object({ key: z.string(), label: z.string(), events: count, share: z.number().min(0).max(1) }).strict()),
    other: z.object({ events: count }).strict(),
    missing: z.object({ events: count }).strict(),
    total_events: count,
  })
  .strict();

export const logPageSchema = z
  .object({
    account_id: z.string(),
    time_zone: z.string(),
    from: zonedInstant,
    to: zonedInstant,
    sort: z.enum(['timestamp:desc', 'timestamp:asc']),
    items: z.array(authEventAnswerSchema),
    next_cursor: z.string().nullable().describe('pass as cursor for the next page; null on the last'),
    total: z.object({ value: count, relation: z.enum(['eq', 'gte']) }).strict().nullable().describe('first page only'),
    freshness: freshnessSchema,
  })
  .strict();

export const exportLinkSchema = z.object({ url: z.string().describe('GET it without a key, once, before expires_at'), expires_at: instant }).strict();

const hopStatus = z.enum(['done', 'not_yet', 'missing', 'unknown']);
export const eventTraceSchema = z
  .object({
    txid: z.string(),
    account_id: z.string(),
    margin_seconds: z.number(),
    committed: z.object({ status: z.literal('done'), at: instant, occurred_at: instant }).strict(),
    published: z
      .object({ status: hopStatus, partition: z.number().int().optional(), offset: z.string().optional(), acked_at: instant.optional(), detail: z.string().optional() })
      .strict(),
    indexed: z.object({ status: hopStatus, index: z.string().optional(), indexed_at: instant.optional(), detail: z.string().optional() }).strict(),
    webhooks: z.array(
      z
        .object({
          endpoint_id: z.string(),
          description: z.string(),
          filters_match: z.boolean(),
          status: z.enum(['delivered', 'failed', 'retrying', 'filtered_out', 'endpoint_disabled', 'created_after_event', 'not_yet', 'missing']),
          detail: z.string(),
          attempts: z.array(
            z
              .object({ attempt: z.number().int(), at: instant, trigger: z.string(), outcome: z.string(), status_code: z.number().int().nullable(), latency_ms: z.number(), error_code: z.string().nullable(), error: z.string().nullable() })
              .strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

export const completenessSchema = z
  .object({
    account_id: z.string(),
    from: instant,
    to: instant,
    filled_until: instant.nullable(),
    summary: z.object({ hours_complete: count, hours_repaired: count, hours_repairing: count, hours_gap: count, hours_open: count }).strict(),
    hours: z.array(
      z
        .object({
          hour_start: instant,
          status: z.enum(['complete', 'repaired', 'repairing', 'gap']),
          committed: count,
          indexed: count,
          documents_missing: count,
          documents_repaired: count,
          checked_at: instant,
          endpoints: z.array(
            z.object({ endpoint_id: z.string(), matched: count, settled: count, deliveries_missing: count, deliveries_requeued: count, status: z.enum(['complete', 'requeued', 'repaired', 'gap']) }).strict(),
          ),
        })
        .strict(),
    ),
  })
  .strict();

// The answers' TypeScript types must fit their schemas: a field renamed, retyped or dropped in the
// code fails to compile here; a field added in the code fails the drift test (strict schemas).
type DeepReadonly<T> = T extends (infer Item)[] ? readonly DeepReadonly<Item>[] : T extends object ? { readonly [K in keyof T]: DeepReadonly<T[K]> } : T;
type Fits<Answer extends DeepReadonly<z.output<Schema>>, Schema extends z.ZodType> = [Answer, Schema];
type WithFreshness<T> = T & { readonly freshness: Freshness };
export type AnswerTypesFit = [
  Fits<WithFreshness<DistinctUsersReport>, typeof distinctUsersSchema>,
  Fits<WithFreshness<OutOfDateReport>, typeof outOfDateSchema>,
  Fits<WithFreshness<VolumeReport>, typeof volumeSchema>,
  Fits<WithFreshness<BreakdownReport>, typeof breakdownSchema>,
  Fits<WithFreshness<AuthLogPage>, typeof logPageSchema>,
  Fits<{ freshness: Freshness }, typeof freshnessAnswerSchema>,
  Fits<EventTrace, typeof eventTraceSchema>,
  Fits<CompletenessAnswer, typeof completenessSchema>,
];
