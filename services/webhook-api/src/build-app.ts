import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Registry } from 'prom-client';
import type { ApiKeyStore } from '../../../shared/auth/api-key-store.js';
import { EndpointLimitError } from '../../../shared/webhooks/errors/endpoint-limit-error.js';
import { EndpointNotFoundError } from '../../../shared/webhooks/errors/endpoint-not-found-error.js';
import { apiKeyHook, callerOf, type ApiKeyLimits } from '../../../shared/http/api-key-hook.js';
import { httpErrorHandler, notFoundHandler } from '../../../shared/http/error-handler.js';
import { registerIdempotency, type IdempotencyOptions } from '../../../shared/http/idempotency-hook.js';
import { HttpProblem } from '../../../shared/http/http-problem.js';
import { RateLimitedError } from '../../../shared/http/rate-limited-error.js';
import type { RateLimit, RateLimiter } from '../../../shared/http/rate-limiter.js';
import { registerRequestMetrics } from '../../../shared/http/request-metrics.js';
import { fastifyTimeouts, type HttpServerSettings } from '../../../shared/http/server-timeouts.js';
import { fastifyTrustProxy } from '../../../shared/config/trusted-proxies.js';
import { OPENAPI_PATH, registerOpenApiRoute } from '../../../shared/http/openapi/openapi-route.js';
import { recordRoutes } from '../../../shared/http/openapi/registered-routes.js';
import type { Logger } from '../../../shared/log/logger.js';
import { webhookApiDocument } from './api-document.js';
import { deliveryRoutes, type DeliveryRouteDependencies } from './delivery-routes.js';
import { eventTypeRoutes } from './event-type-routes.js';
import { keyRoutes, type KeyRouteDependencies } from './keys/key-routes.js';
import { webhookApiPolicies } from './route-policies.js';
import { ApiKeyNotFoundError } from '../../../shared/auth/errors/api-key-not-found-error.js';
import { LastAdminKeyError } from '../../../shared/auth/errors/last-admin-key-error.js';
import { registerAuditLog } from '../../../shared/audit/audit-hook.js';
import { requirePolicies } from '../../../shared/http/route-policy.js';
import { scopeHook } from '../../../shared/http/scope-hook.js';
import { endpointRoutes, type EndpointRouteDependencies } from './endpoint-routes.js';
import { operationalRoutes, type OperationalRouteDependencies } from './operational-routes.js';
import { OperationalEndpointNotFoundError } from '../../../shared/webhooks/operational/operational-endpoint-not-found-error.js';
import { statsRoutes, type StatsRouteDependencies } from './stats/stats-routes.js';

export interface WebhookApiLimits extends ApiKeyLimits {
  /** Test events sent by one API key (each is a real delivery). */
  readonly test: RateLimit;
  /** Replays and recoveries started by one API key (each may enqueue many deliveries). */
  readonly replay: RateLimit;
}

export interface AppDependencies {
  readonly apiKeys: ApiKeyStore;
  readonly limiter: RateLimiter | undefined;
  readonly limits: WebhookApiLimits;
  readonly timeouts: HttpServerSettings;
  /** Proxies whose X-Forwarded-For gives the client's address (WEBHOOK_API_TRUSTED_PROXIES); empty: none. */
  readonly trustedProxies: readonly string[];
  readonly logger: Logger;
  readonly registry: Registry;
  readonly idempotency: Pick<IdempotencyOptions, 'redis' | 'prefix'>;
  readonly endpointRoutes: EndpointRouteDependencies;
  readonly deliveryRoutes: Omit<DeliveryRouteDependencies, 'schemas' | 'endpoints'>;
  /** Per-endpoint statistics (stats/). */
  readonly statsRoutes: Omit<StatsRouteDependencies, 'endpoints'>;
  /** API keys of the caller's account and the audit log (keys/key-routes.ts). */
  readonly keyRoutes: KeyRouteDependencies;
  /** The account's operational endpoint (operational-routes.ts). */
  readonly operationalRoutes: Omit<OperationalRouteDependencies, 'schemas' | 'policy' | 'resolver' | 'secretGraceMs'>;
}

/** Every route needs a key except the OpenAPI document. */
const needsKey = (path: string): boolean => path !== OPENAPI_PATH;

/** Answers that show a signing secret: kept for Idempotency-Key replays with `secret` null (GET .../secret reads it). */
const SECRET_ANSWERS: ReadonlyMap<string, readonly string[]> = new Map([
  ['/v1/endpoints', ['secret']],
  ['/v1/endpoints/:endpointId/secret/rotate', ['secret']],
  ['/v1/operational-endpoint', ['secret']],
  ['/v1/operational-endpoint/secret/rotate', ['secret']],
]);

/**
 * The Fastify app: JSON in and out, every route behind API-key authentication (shared/http) except
 * GET /openapi.json, the document generated from the routes' own schemas (api-document.ts).
 */
export function buildApp(deps: AppDependencies): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, return503OnClosing: true, trustProxy: fastifyTrustProxy(deps.trustedProxies), ...fastifyTimeouts(deps.timeouts) });
  recordRoutes(app);
  requirePolicies(app, webhookApiPolicies, needsKey);
  registerRequestMetrics(app, deps.registry, 'webhook_api');
  app.addHook('onRequest', apiKeyHook({ apiKeys: deps.apiKeys, limiter: deps.limiter, limits: deps.limits, requiresKey: (request) => needsKey(request.routeOptions.url ?? '') }));
  app.addHook('onRequest', scopeHook(webhookApiPolicies));
  app.addHook('onRequest', ownQuota(deps));
  registerIdempotency(app, { ...deps.idempotency, service: 'webhook_api', registry: deps.registry, logger: deps.logger, answersNotKept: new Set(['/v1/api-keys']),
    credentialFieldsNotKept: SECRET_ANSWERS });
  // After the Idempotency-Key hook: a replayed answer changed nothing and is not recorded again.
  registerAuditLog(app, { store: deps.keyRoutes.audit, policies: webhookApiPolicies, logger: deps.logger, registry: deps.registry, service: 'webhook_api' });
  app.setErrorHandler(httpErrorHandler(deps.logger, webhookApiProblem));
  app.setNotFoundHandler(notFoundHandler);
  endpointRoutes(app, deps.endpointRoutes);
  eventTypeRoutes(app);
  deliveryRoutes(app, { ...deps.deliveryRoutes, endpoints: deps.endpointRoutes.endpoints, schemas: deps.endpointRoutes.schemas });
  statsRoutes(app, { ...deps.statsRoutes, endpoints: deps.endpointRoutes.endpoints });
  keyRoutes(app, deps.keyRoutes);
  const { schemas, policy, resolver, secretGraceMs } = deps.endpointRoutes;
  operationalRoutes(app, { ...deps.operationalRoutes, schemas, policy, resolver, secretGraceMs });
  registerOpenApiRoute(app, webhookApiDocument(deps.endpointRoutes.schemas));
  return app;
}

/** The webhook stores' errors as answers (shared/http maps the rest; codes in docs/http-errors.md). */
function webhookApiProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof EndpointNotFoundError) return new HttpProblem(404, 'NOT_FOUND', 'no such endpoint');
  if (error instanceof EndpointLimitError) return new HttpProblem(409, error.code, error.message);
  if (error instanceof OperationalEndpointNotFoundError) return new HttpProblem(404, 'NOT_FOUND', 'the account has no operational endpoint');
  if (error instanceof ApiKeyNotFoundError) return new HttpProblem(404, 'NOT_FOUND', 'no such API key');
  if (error instanceof LastAdminKeyError) return new HttpProblem(409, error.code, error.message, { field: 'keyId' });
  return undefined;
}

/** `test` and `replay`/`recover` send deliveries: each has a quota of its own besides the key's. */
function ownQuota(deps: AppDependencies) {
  const quotas: Readonly<Record<string, RateLimit>> = {
    '/v1/endpoints/:endpointId/test': deps.limits.test,
    '/v1/endpoints/:endpointId/messages/:messageId/replay': deps.limits.replay,
    '/v1/endpoints/:endpointId/recover': deps.limits.replay,
  };
  return async (request: FastifyRequest): Promise<void> => {
    const limit = quotas[request.routeOptions.url ?? ''];
    if (limit === undefined || deps.limiter === undefined) return;
    const decision = await deps.limiter.hit(limit, callerOf(request).keyId);
    if (!decision.allowed) throw new RateLimitedError(limit.name, decision.retryAfterSeconds, `at most ${limit.max} ${limit.name} requests per ${limit.windowMs / 1000} s per API key; retry later`);
  };
}
