import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { publicationsOf } from './publication.js';

const message = (key: string): Message => ({ key, value: 'x' });
const byKey = (item: Message) => Number(String(item.key).slice(1));

describe('publicationsOf', () => {
  it('gives the n-th message of a partition the base offset plus n, in the order sent', () => {
    const chunk = [message('p0'), message('p1'), message('p0'), message('p1'), message('p0')];
    const answer = [
      { topicName: 't', partition: 0, errorCode: 0, baseOffset: '10' },
      { topicName: 't', partition: 1, errorCode: 0, baseOffset: '7' },
    ];
    expect(publicationsOf(chunk, answer, byKey, 123).map((item) => item && [item.partition, Number(item.offset)])).toEqual([
      [0, 10],
      [1, 7],
      [0, 11],
      [1, 8],
      [0, 12],
    ]);
  });

  it('records nothing rather than a guess when the partitions are unknown or disagree with the answer', () => {
    const chunk = [message('p0'), message('p1')];
    const answer = [{ topicName: 't', partition: 0, errorCode: 0, baseOffset: '1' }];
    expect(publicationsOf(chunk, answer, undefined, 1)).toEqual([undefined, undefined]);
    expect(publicationsOf(chunk, answer, byKey, 1)).toEqual([undefined, undefined]);
  });
});
