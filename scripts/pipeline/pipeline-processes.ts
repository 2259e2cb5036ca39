import { join } from 'node:path';
import { connectionVariables } from '../../shared/config/connection-environment.js';
import { readEnvironment } from '../../shared/config/environment.js';
import type { ProcessSpec } from './supervised-process.js';
import { PORTS, type PipelineSettings } from './pipeline-settings.js';

const main = (distDir: string, service: string) => join(distDir, 'services', service, 'src', 'main.js');

/**
 * The local pipeline's processes, in start order (stopped in reverse): receiver and producers'
 * consumers first, the traffic last so nothing is sent before the path is up.
 */
export function pipelineProcesses(distDir: string, settings: PipelineSettings, demo: { receiverSecret: string; encryptionKeysFile: string }): ProcessSpec[] {
  // TLS, credentials and secret files pass through as they were given (scripts/stack env [--secure]).
  const stack = {
    ...connectionVariables(readEnvironment()),
    AUTHLOG_MYSQL_URL: settings.AUTHLOG_MYSQL_URL,
    AUTHLOG_KAFKA_BROKERS: settings.AUTHLOG_KAFKA_BROKERS.join(','),
    AUTHLOG_ES_URL: settings.AUTHLOG_ES_URL,
    AUTHLOG_REDIS_URL: settings.AUTHLOG_REDIS_URL,
    LOG_LEVEL: settings.LOG_LEVEL,
  };
  // The demo receiver listens on loopback over http: allowed here, and only here (never in production),
  // and only its own host:port, so a demo account cannot aim webhooks at Elasticsearch or an ops port.
  const localWebhooks = { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_SSRF_ALLOW: `127.0.0.1:${PORTS.receiver}`, AUTHLOG_ENCRYPTION_KEYS_FILE: demo.encryptionKeysFile, NODE_ENV: 'development' };
  const spec = (name: string, service: string, opsPort: number, env: Record<string, string> = {}): ProcessSpec => ({
    name,
    main: main(distDir, service),
    opsPort,
    env: { ...stack, OPS_PORT: String(opsPort), ...env },
  });
  return [
    spec('demo-receiver', 'demo-receiver', PORTS.ops.receiver, { RECEIVER_PORT: String(PORTS.receiver), RECEIVER_SECRETS: demo.receiverSecret }),
    spec('auth-demo', 'auth-demo', PORTS.ops.authDemo, { AUTH_DEMO_PORT: String(PORTS.authDemo) }),
    spec('relay', 'relay', PORTS.ops.relay),
    spec('indexer', 'indexer', PORTS.ops.indexer),
    spec('webhook-dispatcher', 'webhook-dispatcher', PORTS.ops.dispatcher, localWebhooks),
    spec('webhook-api', 'webhook-api', PORTS.ops.webhookApi, { ...localWebhooks, WEBHOOK_API_PORT: String(PORTS.webhookApi), WEBHOOK_API_TRUSTED_PROXIES: '127.0.0.1' }),
    spec('reports', 'reports', PORTS.ops.reports, { REPORTS_PORT: String(PORTS.reports), REPORTS_WEBHOOK_API_URL: `http://127.0.0.1:${PORTS.webhookApi}` }),
    spec('traffic-generator', 'traffic-generator', PORTS.ops.traffic, {
      TRAFFIC_TARGET_URL: `http://127.0.0.1:${PORTS.authDemo}`,
      TRAFFIC_RATE: String(settings.TRAFFIC_RATE),
      TRAFFIC_ACCOUNTS: String(settings.TRAFFIC_ACCOUNTS),
    }),
  ];
}
