import type { FastifyRequest } from 'fastify';
import { authenticatedCaller } from './api-key-hook.js';
import { HttpProblem } from './http-problem.js';
import { routeKey, type RoutePolicies } from './route-policy.js';

/**
 * The onRequest hook after the API-key hook: the key must hold the scope the matched route needs
 * (403 INSUFFICIENT_SCOPE naming it, with RFC 6750's WWW-Authenticate). Routes without a key are
 * left alone; a keyed route missing from the table is refused (requirePolicies stops such an app
 * at start, this is the second lock).
 */
export function scopeHook(policies: RoutePolicies) {
  return async (request: FastifyRequest): Promise<void> => {
    const caller = authenticatedCaller(request);
    if (caller === undefined) return;
    const policy = policies[routeKey(request.method, request.routeOptions.url ?? '')];
    if (policy === undefined) throw new HttpProblem(403, 'INSUFFICIENT_SCOPE', 'this route is open to no API key');
    if (!caller.scopes.includes(policy.scope)) {
      throw new HttpProblem(403, 'INSUFFICIENT_SCOPE', `this API key lacks the scope ${policy.scope}, which this route needs`, {
        headers: { 'www-authenticate': `Bearer error="insufficient_scope", scope="${policy.scope}"` },
      });
    }
  };
}
