import { isIP } from 'node:net';
import { buildConnector } from 'undici';
import type { AddressPolicy } from './address-policy.js';

/**
 * An undici connector that decides where each new connection may go, immediately before it is
 * opened: the host is resolved here (undici would skip its own lookup for literal IPs), every
 * candidate address is checked against the policy, and the socket is opened to the checked address
 * itself, so a DNS answer that changes between check and connect (rebinding) cannot slip through.
 * The port is checked here too (WEBHOOK_BLOCKED_PORTS), not only when the URL was saved.
 * Keep-alive connections are reused only for the origin they were opened for; each new connection
 * goes through this check again. TLS keeps the original name for SNI and certificate checks, and
 * the Host header is the URL's, untouched by what we connect to.
 */
export function guardedConnector(policy: AddressPolicy, options: { connectTimeoutMs: number }): buildConnector.connector {
  const connect = buildConnector({ timeout: options.connectTimeoutMs, keepAlive: true });
  return (connectOptions, callback) => {
    // The port the socket will go to: the URL's, or the protocol's default.
    const port = Number(connectOptions.port) || (connectOptions.protocol === 'https:' ? 443 : 80);
    policy.resolveAllowed(connectOptions.hostname, port).then(
      (address) => {
        const tls = connectOptions.protocol === 'https:';
        const servername = tls && isIP(connectOptions.hostname) === 0 ? (connectOptions.servername || connectOptions.hostname) : undefined;
        connect({ ...connectOptions, hostname: address, ...(servername === undefined ? {} : { servername }) }, callback);
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
}
