import { describe, expect, it } from 'vitest';
import { NO_FILTERS } from '../../../../shared/webhooks/endpoint-filters.js';
import type { Endpoint } from '../../../../shared/webhooks/endpoint-record.js';
import type { TraceAttempt } from './event-trace.js';
import { webhookHop, type WebhookHopInput } from './webhook-hop.js';

const committedAt = new Date('2026-12-07T10:00:00.000Z');
const endpoint: Endpoint = {
  id: 'ep_1',
  accountId: 'acct',
  url: 'https://example.com/hook',
  description: '',
  filters: NO_FILTERS,
  rateLimitPerSecond: null,
  maxConcurrency: 4,
  enabled: true,
  disabledReason: null,
  disabledDetail: null,
  disabledAt: null,
  failingSince: null,
  headerNames: [],
  timeoutMs: null,
  retrySchedule: null,
  createdAt: new Date('2026-12-01T00:00:00.000Z'),
  updatedAt: new Date('2026-12-01T00:00:00.000Z'),
};
const failure: TraceAttempt = { attempt: 1, at: '2026-12-07T10:00:01.000Z', trigger: 'event', outcome: 'failure', status_code: 500, latency_ms: 12, error_code: 'HTTP_STATUS', error: '500' };
const base: WebhookHopInput = {
  endpoint,
  event: { eventType: 'authentication', result: 'denied', reason: 'out_of_date', applicationKey: 'DI1', userKey: 'DU1', groups: [], ip: null },
  committedAt,
  publishedAt: new Date(committedAt.getTime() + 50),
  published: true,
  attempts: [],
  messageStatus: undefined,
  nowMs: committedAt.getTime() + 10_000,
  marginMs: 600_000,
};

describe('webhookHop', () => {
  it('decides by attempts first: success wins, then retries that ran out, else retrying', () => {
    expect(webhookHop({ ...base, attempts: [failure, { ...failure, attempt: 2, outcome: 'success', status_code: 204 }] }).status).toBe('delivered');
    expect(webhookHop({ ...base, attempts: [failure], messageStatus: 'failed' }).status).toBe('failed');
    expect(webhookHop({ ...base, attempts: [failure] }).status).toBe('retrying');
  });

  it('explains a missing attempt: filters, later endpoint, disabled, queued, not yet, missing past the margin', () => {
    expect(webhookHop({ ...base, endpoint: { ...endpoint, filters: { ...NO_FILTERS, results: ['success'] } } })).toMatchObject({ status: 'filtered_out', filters_match: false });
    expect(webhookHop({ ...base, endpoint: { ...endpoint, createdAt: new Date(committedAt.getTime() + 1) } }).status).toBe('created_after_event');
    expect(webhookHop({ ...base, endpoint: { ...endpoint, enabled: false, disabledReason: 'endpoint_gone' } })).toMatchObject({ status: 'endpoint_disabled', detail: expect.stringContaining('endpoint_gone') });
    expect(webhookHop({ ...base, messageStatus: 'pending' }).status).toBe('not_yet');
    expect(webhookHop({ ...base, published: false, publishedAt: undefined }).detail).toBe('the event is not published yet');
    expect(webhookHop(base).status).toBe('not_yet');
    expect(webhookHop({ ...base, nowMs: committedAt.getTime() + 700_000 })).toMatchObject({ status: 'missing', detail: 'no attempt recorded 700 s after publication' });
  });
});
