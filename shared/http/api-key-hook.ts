import type { FastifyRequest } from 'fastify';
import { bearerToken, type ApiKeyStore, type Caller } from '../auth/api-key-store.js';
import { HttpProblem } from './http-problem.js';
import { RateLimitedError } from './rate-limited-error.js';
import type { RateLimit, RateLimiter } from './rate-limiter.js';

export interface ApiKeyLimits {
  /** Requests of one API key. */
  readonly perKey: RateLimit;
  /** Refused API keys presented from one client address: beyond it, 429 before any lookup. */
  readonly authFailuresPerAddress: RateLimit;
}

const callers = new WeakMap<FastifyRequest, Caller>();

/**
 * The onRequest hook of every customer API: it runs before the body is read, so an unauthenticated
 * client cannot make us buffer or parse anything. `Authorization: Bearer alk_...` must name a live
 * key (401 UNAUTHENTICATED otherwise); an address that keeps presenting bad keys gets 429 before its
 * keys are even looked up, and each key has its own request rate (429 RATE_LIMITED, Retry-After).
 * `requiresKey` exempts routes (decided by the matched route, so no spelling of a path skips it).
 */
export function apiKeyHook(options: {
  readonly apiKeys: ApiKeyStore;
  readonly limiter: RateLimiter | undefined;
  readonly limits: ApiKeyLimits;
  readonly requiresKey?: (request: FastifyRequest) => boolean;
}) {
  const { apiKeys, limiter, limits } = options;
  return async (request: FastifyRequest): Promise<void> => {
    if (options.requiresKey !== undefined && !options.requiresKey(request)) return;
    const token = bearerToken(request.headers.authorization);
    if (token === undefined) throw unauthenticated('send Authorization: Bearer <API key>');
    if (limiter !== undefined) {
      const failures = await limiter.peek(limits.authFailuresPerAddress, request.ip);
      if (!failures.allowed) throw new RateLimitedError(limits.authFailuresPerAddress.name, failures.retryAfterSeconds, 'too many refused API keys from this address; retry later');
    }
    const caller = await apiKeys.authenticate(token);
    if (caller === undefined) {
      await limiter?.hit(limits.authFailuresPerAddress, request.ip);
      throw unauthenticated('unknown or revoked API key');
    }
    if (limiter !== undefined) {
      const rate = await limiter.hit(limits.perKey, caller.keyId);
      if (!rate.allowed) throw new RateLimitedError(limits.perKey.name, rate.retryAfterSeconds, `at most ${limits.perKey.max} requests per ${limits.perKey.windowMs / 1000} s per API key; retry later`);
    }
    callers.set(request, caller);
  };
}

/** The caller the hook authenticated, or undefined on a route that needs no key. */
export function authenticatedCaller(request: FastifyRequest): Caller | undefined {
  return callers.get(request);
}

/** The caller the hook authenticated (routes registered behind it always have one). */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (caller === undefined) throw unauthenticated('send Authorization: Bearer <API key>');
  return caller;
}

function unauthenticated(message: string): HttpProblem {
  return new HttpProblem(401, 'UNAUTHENTICATED', message, { headers: { 'www-authenticate': 'Bearer' } });
}
