import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { DEFAULT_HTTP_TIMEOUTS, nodeServerTimeouts } from '../http/server-timeouts.js';
import type { Logger } from '../log/logger.js';
import { healthStatusCode, type HealthCheck } from './health.js';

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The operations endpoints every service exposes: GET /metrics (Prometheus text format) and
 * GET /healthz (JSON HealthReport). Kept off the service's public port so it is never exposed to
 * customers and keeps answering while the service drains.
 */
export async function startOpsServer(options: {
  port: number;
  host?: string;
  registry: Registry;
  health: HealthCheck;
  logger: Logger;
}): Promise<OpsServer> {
  // Timeouts like every server's: a scraper that stalls cannot hold the ops port's sockets.
  const server: Server = createServer(nodeServerTimeouts(DEFAULT_HTTP_TIMEOUTS), (request, response) => {
    void (async () => {
      try {
        if (request.method === 'GET' && request.url === '/metrics') {
          const body = await options.registry.metrics();
          response.writeHead(200, { 'content-type': options.registry.contentType }).end(body);
        } else if (request.method === 'GET' && request.url === '/healthz') {
          const report = await options.health();
          response.writeHead(healthStatusCode(report), { 'content-type': 'application/json' }).end(JSON.stringify(report));
        } else {
          response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        }
      } catch (error) {
        options.logger.error({ err: error, url: request.url }, 'ops endpoint failed');
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"internal"}');
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  options.logger.info({ port }, 'ops server listening (/metrics, /healthz)');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
