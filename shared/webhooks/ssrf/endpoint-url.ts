import type { AddressPolicy, Resolver } from './address-policy.js';
import { parseIp } from './ip-address.js';

const MAX_URL_LENGTH = 2_048;

/**
 * Checks a customer's endpoint URL when it is saved, so obvious mistakes and SSRF attempts get a
 * 400 naming the field. It is a courtesy: the real guard is the connect-time check (DNS can change
 * after this), which refuses the same destinations. Returns why the URL is refused, or undefined.
 *
 * A host name that does not resolve (yet) is accepted: customers often create the endpoint before
 * the DNS record; a name that resolves only to non-public addresses is refused.
 */
export async function endpointUrlProblem(text: string, policy: AddressPolicy, resolver: Resolver): Promise<string | undefined> {
  if (text.length > MAX_URL_LENGTH) return `at most ${MAX_URL_LENGTH} characters`;
  if (!URL.canParse(text)) return 'an absolute URL such as https://example.com/webhooks';
  const url = new URL(text);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) return policy.allowHttp ? 'an http or https URL' : 'an https URL';
  if (url.username !== '' || url.password !== '') return 'a URL without user name or password (sign requests with the endpoint secret instead)';
  if (url.hash !== '') return 'a URL without a #fragment';
  // The URL parser has already turned decimal, octal, hex and short IPv4 forms into dotted quads.
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') return 'a URL with a host';
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  if (parseIp(host) !== undefined) {
    const refusal = policy.refusalFor(host, port);
    return refusal === undefined ? undefined : `a public destination (${refusal})`;
  }
  if (policy.isHostExempt(host, port)) return undefined;
  const portProblem = policy.portRefusal(port);
  if (portProblem !== undefined) return `a URL on a web port (${portProblem})`;
  if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) return `a public host name (${host} is local)`;
  let addresses: readonly string[];
  try {
    addresses = await resolver(host);
  } catch {
    return undefined;
  }
  const refusals = addresses.map((address) => policy.refusalFor(address, port));
  if (addresses.length > 0 && refusals.every((refusal) => refusal !== undefined)) return `a public destination (${host} resolves to ${refusals[0]})`;
  return undefined;
}
