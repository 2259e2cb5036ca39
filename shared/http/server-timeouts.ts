import type { Server } from 'node:http';
import { envInt } from '../config/env-types.js';

/**
 * Timeouts of every HTTP server, so a slow or idle client cannot hold sockets: the whole request
 * (headers and body, not the answer: exports stream for minutes) must arrive within
 * HTTP_REQUEST_TIMEOUT_MS, its headers within HTTP_HEADERS_TIMEOUT_MS, and an idle keep-alive
 * connection is closed after HTTP_KEEP_ALIVE_TIMEOUT_MS.
 */
export const httpServerSettings = {
  HTTP_REQUEST_TIMEOUT_MS: envInt(30_000, { min: 1_000, max: 600_000 }),
  HTTP_HEADERS_TIMEOUT_MS: envInt(10_000, { min: 1_000, max: 600_000 }),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: envInt(5_000, { min: 100, max: 600_000 }),
} as const;

export interface HttpServerSettings {
  readonly HTTP_REQUEST_TIMEOUT_MS: number;
  readonly HTTP_HEADERS_TIMEOUT_MS: number;
  readonly HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
}

/** Node requires headersTimeout <= requestTimeout; checked here, not by a surprise at listen. */
function headersTimeout(settings: HttpServerSettings): number {
  return Math.min(settings.HTTP_HEADERS_TIMEOUT_MS, settings.HTTP_REQUEST_TIMEOUT_MS);
}

/**
 * Node checks the request and header deadlines every connectionsCheckingInterval (30 s by default),
 * which would let a slow client overstay by that much: check at a tenth of the deadline instead.
 */
function checkingInterval(settings: HttpServerSettings): number {
  return Math.max(100, Math.min(1_000, Math.floor(headersTimeout(settings) / 10)));
}

/** Options for Fastify({...}). */
export function fastifyTimeouts(settings: HttpServerSettings) {
  return {
    requestTimeout: settings.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeout: settings.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    http: { headersTimeout: headersTimeout(settings), connectionsCheckingInterval: checkingInterval(settings) },
  } as const;
}

/** Options for node:http createServer (ops servers, the demo receiver). */
export function nodeServerTimeouts(settings: HttpServerSettings) {
  return {
    requestTimeout: settings.HTTP_REQUEST_TIMEOUT_MS,
    headersTimeout: headersTimeout(settings),
    keepAliveTimeout: settings.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    connectionsCheckingInterval: checkingInterval(settings),
  } as const;
}

/** The defaults, for servers that read no settings of their own (the ops server). */
export const DEFAULT_HTTP_TIMEOUTS: HttpServerSettings = { HTTP_REQUEST_TIMEOUT_MS: 30_000, HTTP_HEADERS_TIMEOUT_MS: 10_000, HTTP_KEEP_ALIVE_TIMEOUT_MS: 5_000 };

/** For servers already built: what the server reports, to assert in tests. */
export function timeoutsOf(server: Server): { requestTimeout: number; headersTimeout: number; keepAliveTimeout: number } {
  return { requestTimeout: server.requestTimeout, headersTimeout: server.headersTimeout, keepAliveTimeout: server.keepAliveTimeout };
}
