import { elasticsearchConnectionSettings, kafkaConnectionSettings, mysqlConnectionSettings, redisConnectionSettings } from './connection-settings.js';
import { envInt, envLogLevel, envString } from './env-types.js';

/**
 * Settings shared by the services, under the same variable names everywhere so one `.env` (or
 * `scripts/stack env`) configures them all. Each service picks the ones it uses; the connection
 * settings of each engine are in connection-settings.ts.
 */
export const commonSettings = {
  mysql: mysqlConnectionSettings,
  kafka: kafkaConnectionSettings,
  elasticsearch: elasticsearchConnectionSettings,
  redis: redisConnectionSettings,
  ops: {
    LOG_LEVEL: envLogLevel(),
    /** Drain budget on SIGTERM; Kubernetes' default grace period is 30 s. */
    SHUTDOWN_DEADLINE_MS: envInt(25_000, { min: 100, max: 600_000 }),
    /** "production" (the image sets it) refuses the local stack's credentials and the demo's exceptions at start. */
    NODE_ENV: envString('development'),
  },
} as const;

/**
 * The /metrics and /healthz server: each service has its own default port. Loopback by default;
 * 0.0.0.0 where Prometheus or the orchestrator probes from outside (containers, pods).
 */
export const opsPort = (fallback: number) => ({
  OPS_PORT: envInt(fallback, { min: 0, max: 65_535 }),
  OPS_HOST: envString('127.0.0.1'),
});
