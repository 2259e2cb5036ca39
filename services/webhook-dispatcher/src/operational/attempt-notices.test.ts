import { describe, expect, it } from 'vitest';
import type { DeliveryJobData } from '../../../../shared/webhooks/delivery-queue.js';
import type { OperationalNotice } from '../../../../shared/webhooks/operational/operational-notice.js';
import type { AttemptResult } from '../http-deliverer.js';
import { AttemptNotices } from './attempt-notices.js';

const data: DeliveryJobData = { messageId: 'txid-1', endpointId: 'ep_1', accountId: 'acct', type: 'authlog.authentication', body: '{}', trigger: 'event', tracked: false, createdAt: 0 };
const failed: AttemptResult = { ok: false, statusCode: 500, latencyMs: 5, errorCode: 'http_status', error: 'HTTP 500', responseExcerpt: null, retryAfterMs: undefined, requestHeaders: null };
const succeeded: AttemptResult = { ...failed, ok: true, statusCode: 200, errorCode: null, error: null };

function notices(): { emitted: OperationalNotice[]; subject: AttemptNotices } {
  const emitted: OperationalNotice[] = [];
  return { emitted, subject: new AttemptNotices({ emit: async (notice) => void emitted.push(notice) }) };
}

describe('AttemptNotices', () => {
  it('failing only when the 4th attempt fails with retries left, exhausted when none are left', async () => {
    const { emitted, subject } = notices();
    for (const attempt of [1, 2, 3]) await subject.afterFailure(data, attempt, 5 - attempt, failed);
    expect(emitted).toEqual([]);
    await subject.afterFailure(data, 4, 1, failed);
    await subject.afterFailure(data, 5, 0, failed);
    expect(emitted.map((notice) => notice.type)).toEqual(['message.attempt.failing', 'message.attempt.exhausted']);
    expect(JSON.parse(emitted[0]!.body)).toMatchObject({ type: 'message.attempt.failing', data: { endpoint_id: 'ep_1', message_id: 'txid-1', attempt: 4, last_attempt: { status_code: 500, error_code: 'http_status' } } });
  });

  it('a 4th attempt that is the last is exhausted, not failing; a one-attempt schedule exhausts at once', async () => {
    const { emitted, subject } = notices();
    await subject.afterFailure(data, 4, 0, failed);
    await subject.afterFailure({ ...data, messageId: 'txid-2' }, 1, 0, failed);
    expect(emitted.map((notice) => notice.type)).toEqual(['message.attempt.exhausted', 'message.attempt.exhausted']);
  });

  it('recovered only for a success after the 4th attempt', async () => {
    const { emitted, subject } = notices();
    for (const attempt of [1, 2, 3, 4]) await subject.afterSuccess(data, attempt, succeeded);
    expect(emitted).toEqual([]);
    await subject.afterSuccess(data, 6, succeeded);
    expect(emitted.map((notice) => notice.type)).toEqual(['message.attempt.recovered']);
  });

  it('the same notice emitted twice has the same id; another message, endpoint or type another one', async () => {
    const { emitted, subject } = notices();
    await subject.afterFailure(data, 4, 1, failed);
    await subject.afterFailure(data, 4, 1, { ...failed, statusCode: 502 });
    await subject.afterFailure({ ...data, messageId: 'txid-2' }, 4, 1, failed);
    await subject.afterFailure({ ...data, endpointId: 'ep_2' }, 4, 1, failed);
    await subject.afterFailure(data, 5, 0, failed);
    const ids = emitted.map((notice) => notice.id);
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(4);
    for (const id of ids) expect(id).toMatch(/^opmsg_[0-9a-f]{32}$/);
  });
});
