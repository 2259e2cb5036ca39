import { isIP } from 'node:net';
import { envList } from './env-types.js';

/**
 * Addresses or CIDR blocks of proxies whose X-Forwarded-For is believed (an ingress, or the reports
 * service proxying the Admin Panel's webhook pages), so per-address limits count the client's
 * address, not the proxy's. Empty (the default): X-Forwarded-For is ignored, so no client can
 * choose its own address.
 */
export const envTrustedProxies = () =>
  envList('').refine((entries) => entries.every(isAddressOrCidr), { message: 'comma-separated IP addresses or CIDR blocks, e.g. 10.0.0.0/8' });

/** Fastify's `trustProxy`: false when nothing is trusted, else the list (a copy: Fastify keeps it). */
export const fastifyTrustProxy = (trusted: readonly string[]): false | string[] => (trusted.length === 0 ? false : [...trusted]);

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}
