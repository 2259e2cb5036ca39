import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import { callerOf } from '../../../../shared/http/api-key-hook.js';
import type { EndpointStore } from '../../../../shared/webhooks/endpoint-store.js';
import type { EndpointStatsView } from '../response-schemas.js';
import { endpointStats, type WindowStats } from './endpoint-stats.js';
import { queueDepth } from './queue-depth.js';
import type { StatsDatabase } from './stats-tables.js';

export interface StatsRouteDependencies {
  readonly db: Kysely<StatsDatabase>;
  readonly endpoints: EndpointStore;
  readonly redis: Redis;
  readonly queueKeys: { wait: string; delayed: string };
}

/** `GET /v1/endpoints/:id/stats`: served from the hourly rollups, never a scan of the attempt log. */
export function statsRoutes(app: FastifyInstance, deps: StatsRouteDependencies): void {
  app.get<{ Params: { endpointId: string } }>('/v1/endpoints/:endpointId/stats', async (request): Promise<EndpointStatsView> => {
    const { accountId } = callerOf(request);
    const endpoint = await deps.endpoints.get(accountId, request.params.endpointId);
    const [stats, depth] = await Promise.all([endpointStats(deps.db, accountId, endpoint.id, new Date()), queueDepth(deps.redis, deps.queueKeys, endpoint.id)]);
    return {
      last_24h: windowView(stats.last24h),
      last_28d: windowView(stats.last28d),
      failing_streak: { attempts: stats.failingStreak, at_least: stats.streakCapped, failing_since: endpoint.failingSince?.toISOString() ?? null },
      queue: { waiting: depth.waiting, delayed: depth.delayed, exact: depth.exact },
    };
  });
}

function windowView(window: WindowStats): EndpointStatsView['last_24h'] {
  return {
    since: window.since.toISOString(),
    delivered: window.successes,
    failed: window.failures,
    latency_p50_ms: window.latencyP50Ms,
    latency_p95_ms: window.latencyP95Ms,
  };
}
