import type { FastifyInstance } from 'fastify';
import type { Resolver } from '../../../shared/webhooks/ssrf/address-policy.js';
import type { AddressPolicy } from '../../../shared/webhooks/ssrf/address-policy.js';
import { endpointUrlProblem } from '../../../shared/webhooks/ssrf/endpoint-url.js';
import type { EndpointChangePublisher } from '../../../shared/webhooks/endpoint-changes.js';
import type { EndpointStore } from '../../../shared/webhooks/endpoint-store.js';
import type { SecretStore } from '../../../shared/webhooks/secret-store.js';
import { ValidationError } from '../../../shared/errors/validation-error.js';
import { callerOf } from '../../../shared/http/api-key-hook.js';
import { parseInput, type RequestSchemas } from './request-schemas.js';
import type { EndpointOverrideBounds } from '../../../shared/webhooks/webhook-settings.js';
import { refuseOutOfBounds } from './delivery-overrides.js';
import { refuseReservedHeaders } from './reserved-headers.js';
import { endpointView } from './views.js';
import type { NoticeSink } from '../../../shared/webhooks/operational/operational-notice.js';
import { enabledNotice } from './enabled-notice.js';

export interface EndpointRouteDependencies {
  readonly endpoints: EndpointStore;
  readonly secrets: SecretStore;
  readonly changes: EndpointChangePublisher;
  readonly schemas: RequestSchemas;
  readonly policy: AddressPolicy;
  readonly resolver: Resolver;
  readonly maxEndpointsPerAccount: number;
  readonly secretGraceMs: number;
  /** What `timeout_ms` and `retry_schedule` may be (WEBHOOK_ENDPOINT_* settings). */
  readonly overrideBounds: EndpointOverrideBounds;
  /** Operational notices (endpoint.enabled), queued before the answer. */
  readonly notices: NoticeSink;
}

type WithId = { Params: { endpointId: string } };

/** Endpoint management: create, list, get, update, delete, enable, read and rotate the secret. */
export function endpointRoutes(app: FastifyInstance, deps: EndpointRouteDependencies): void {
  const { endpoints, secrets, schemas } = deps;
  const checkUrl = async (url: string) => {
    const problem = await endpointUrlProblem(url, deps.policy, deps.resolver);
    if (problem !== undefined) throw new ValidationError([{ field: 'url', expected: problem }]);
  };
  const announce = (accountId: string, endpointId: string) => deps.changes.publish({ accountId, endpointId });

  app.post('/v1/endpoints', async (request, reply) => {
    const { accountId } = callerOf(request);
    const input = parseInput(schemas.createEndpoint, request.body);
    refuseReservedHeaders(input.headers);
    refuseOutOfBounds(input, deps.overrideBounds);
    await checkUrl(input.url);
    // The limit is checked inside the create, under a lock per account (concurrent creates).
    const { endpoint, secret } = await endpoints.create(accountId, {
      url: input.url,
      description: input.description,
      filters: input.filters,
      rateLimitPerSecond: input.rate_limit_per_second,
      maxConcurrency: input.max_concurrency,
      secret: input.secret,
      headers: Object.entries(input.headers),
      timeoutMs: input.timeout_ms,
      retrySchedule: input.retry_schedule,
    }, { maxEndpoints: deps.maxEndpointsPerAccount });
    await announce(accountId, endpoint.id);
    return reply.code(201).send({ ...endpointView(endpoint), secret });
  });

  app.get('/v1/endpoints', async (request) => {
    const query = parseInput(schemas.listEndpoints, request.query);
    const page = await endpoints.list(callerOf(request).accountId, { limit: query.limit, after: query.after });
    return { data: page.map(endpointView), next_after: page.length === query.limit ? (page.at(-1)?.id ?? null) : null };
  });

  app.get<WithId>('/v1/endpoints/:endpointId', async (request) => endpointView(await endpoints.get(callerOf(request).accountId, request.params.endpointId)));

  app.patch<WithId>('/v1/endpoints/:endpointId', async (request) => {
    const { accountId } = callerOf(request);
    const patch = parseInput(schemas.updateEndpoint, request.body);
    refuseReservedHeaders(patch.headers);
    refuseOutOfBounds(patch, deps.overrideBounds);
    const before = await endpoints.get(accountId, request.params.endpointId);
    if (patch.url !== undefined) await checkUrl(patch.url);
    const endpoint = await endpoints.update(accountId, request.params.endpointId, {
      url: patch.url,
      description: patch.description,
      filters: patch.filters,
      rateLimitPerSecond: patch.rate_limit_per_second,
      maxConcurrency: patch.max_concurrency,
      headers: patch.headers,
      timeoutMs: patch.timeout_ms,
      retrySchedule: patch.retry_schedule,
      ...(patch.disabled === undefined ? {} : { disabled: patch.disabled }),
    });
    // `disabled: false` enables as POST .../enable does, and is reported the same way.
    if (patch.disabled === false && !before.enabled) await deps.notices.emit(enabledNotice(before));
    await announce(accountId, endpoint.id);
    return endpointView(endpoint);
  });

  app.delete<WithId>('/v1/endpoints/:endpointId', async (request, reply) => {
    const { accountId } = callerOf(request);
    await endpoints.delete(accountId, request.params.endpointId);
    await announce(accountId, request.params.endpointId);
    return reply.code(204).send();
  });

  app.post<WithId>('/v1/endpoints/:endpointId/enable', async (request) => {
    const { accountId } = callerOf(request);
    parseInput(schemas.empty, request.body);
    const before = await endpoints.get(accountId, request.params.endpointId);
    const endpoint = await endpoints.enable(accountId, request.params.endpointId);
    // Only re-enabling a disabled endpoint is news; the notice is queued before the answer, so a
    // client that saw 200 knows it will be sent (a retry of a failed call enables and emits again).
    if (!before.enabled) await deps.notices.emit(enabledNotice(before));
    await announce(accountId, endpoint.id);
    return endpointView(endpoint);
  });

  app.get<WithId>('/v1/endpoints/:endpointId/secret', async (request) => {
    const active = await secrets.active(callerOf(request).accountId, request.params.endpointId);
    return {
      secret: active.find((secret) => secret.expiresAt === null)?.secret ?? null,
      secrets: active.map((secret) => ({ secret: secret.secret, created_at: secret.createdAt.toISOString(), expires_at: secret.expiresAt?.toISOString() ?? null })),
    };
  });

  app.post<WithId>('/v1/endpoints/:endpointId/secret/rotate', async (request) => {
    const { accountId } = callerOf(request);
    const input = parseInput(schemas.rotateSecret, request.body);
    const rotated = await secrets.rotate(accountId, request.params.endpointId, deps.secretGraceMs, input.secret);
    await announce(accountId, request.params.endpointId);
    return { secret: rotated.secret, previous_secret_expires_at: rotated.previousExpiresAt.toISOString() };
  });
}
