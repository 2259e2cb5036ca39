import { describe, expect, it } from 'vitest';
import { publishedHop } from './event-tracer.js';

const created = new Date('2026-12-07T10:00:00.000Z');
const document = { index: 'authlog-events-2026.12', indexedAt: '2026-12-07T10:00:01.000Z' };
const kafka = { partition: 7, offset: '9007199254740993', timestamp: String(Date.parse('2026-12-07T10:00:00.250Z')) };

describe('publishedHop: what is recorded about the publication, nothing guessed', () => {
  it('answers partition, offset and the record timestamp from the document', () => {
    expect(publishedHop({ ...document, kafka }, undefined)).toEqual({ status: 'done', partition: 7, offset: '9007199254740993', acked_at: '2026-12-07T10:00:00.250Z' });
  });

  it('says not yet while the outbox row waits, even if a backfill already indexed the event', () => {
    const queued = { created_at: created, published_at: null };
    expect(publishedHop(undefined, queued)).toMatchObject({ status: 'not_yet', detail: 'waiting in the outbox since 2026-12-07T10:00:00.000Z' });
    expect(publishedHop({ ...document, kafka: undefined }, queued)).toMatchObject({ status: 'not_yet' });
  });

  it('says published without a position when the row is gone (or marked) and the event is not indexed yet', () => {
    for (const queued of [undefined, { created_at: created, published_at: new Date('2026-12-07T10:00:00.300Z') }]) {
      const hop = publishedHop(undefined, queued);
      expect(hop.status).toBe('done');
      expect(hop.partition).toBeUndefined();
      expect(hop.detail).toMatch(/known once the event is indexed/);
    }
  });

  it('says unknown for a document without a position (backfilled, or indexed before positions were recorded)', () => {
    expect(publishedHop({ ...document, kafka: undefined }, undefined)).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/not recorded/) });
  });

  it('leaves acked_at out when the record has no timestamp (-1)', () => {
    expect(publishedHop({ ...document, kafka: { ...kafka, timestamp: '-1' } }, undefined)).toEqual({ status: 'done', partition: 7, offset: '9007199254740993' });
  });
});
