import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('keeps at most its capacity, forgetting the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.has('b')).toBe(false);
    expect([...cache.keys()]).toEqual(['a', 'c']);
    for (let i = 0; i < 10_000; i += 1) cache.set(`k${i}`, i);
    expect(cache.size).toBe(2);
  });

  it('stores undefined-free lookups and refuses a capacity below one', () => {
    const cache = new LruCache<string, null>(1);
    cache.set('x', null);
    expect(cache.has('x')).toBe(true);
    expect(cache.get('x')).toBeNull();
    expect(() => new LruCache(0)).toThrow(RangeError);
  });
});
