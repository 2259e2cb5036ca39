import type { FastifyInstance } from 'fastify';
import type { Scope } from '../auth/scopes.js';

/** What one route needs and what it records: the scope a key must hold, and its audit action if it changes something. */
export interface RoutePolicy {
  readonly scope: Scope;
  /** Set on routes that change the account's configuration: each call is written to the audit log under this name. */
  readonly audit?: string;
  /** A more precise action read from the request body (e.g. a PATCH that disables), else `audit`. */
  readonly auditAs?: (body: unknown) => string | undefined;
}

/** One table per API, keyed `METHOD /path` with Fastify's path (`PATCH /v1/endpoints/:endpointId`). */
export type RoutePolicies = Readonly<Record<string, RoutePolicy>>;

export function routeKey(method: string, path: string): string {
  return `${method === 'HEAD' ? 'GET' : method} ${path}`;
}

/**
 * Refuses to register a route behind the API key that its API's table does not list: a route
 * added without a scope stops the service at start (and every test), rather than being open to
 * every key or to none.
 */
export function requirePolicies(app: FastifyInstance, policies: RoutePolicies, needsKey: (path: string) => boolean): void {
  app.addHook('onRoute', (route) => {
    if (!needsKey(route.url)) return;
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      if (policies[routeKey(method, route.url)] === undefined) throw new Error(`${method} ${route.url} needs an API key but has no scope in the API's route policies`);
    }
  });
}
