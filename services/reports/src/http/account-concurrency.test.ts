import { describe, expect, it } from 'vitest';
import { TooManyRequestsError } from '../errors/too-many-requests-error.js';
import { AccountConcurrency } from './account-concurrency.js';

describe('per-account concurrency', () => {
  it('gives each account its own slots and frees them once', () => {
    const slots = new AccountConcurrency(2);
    const first = slots.acquire('a');
    slots.acquire('a');
    expect(() => slots.acquire('a')).toThrow(TooManyRequestsError);
    expect(() => slots.acquire('b')).not.toThrow();
    first();
    first(); // twice is harmless: it must not free a slot someone else holds
    slots.acquire('a');
    expect(() => slots.acquire('a')).toThrow(TooManyRequestsError);
  });
});
