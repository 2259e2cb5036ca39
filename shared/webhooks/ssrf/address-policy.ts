import { lookup } from 'node:dns/promises';
import { DestinationRefusedError } from '../errors/destination-refused-error.js';
import { inPrefix, nonPublicReason, parseIp, type IpBytes } from './ip-address.js';

/** Resolves a host name to its addresses (all of them, in the resolver's order). */
export type Resolver = (hostname: string) => Promise<readonly string[]>;

export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface AddressPolicyOptions {
  /**
   * Exceptions to the public-address rule, for the local demo and tests only: CIDRs or single
   * addresses ("127.0.0.0/8", "::1") and exact host names ("receiver.local"). Empty in production.
   */
  readonly allow?: readonly string[];
  /** Plain http endpoints are accepted (https only otherwise). */
  readonly allowHttp?: boolean;
  readonly resolver?: Resolver;
}

interface Cidr {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/**
 * Decides which destinations webhooks may reach. Every connection is checked (see
 * guarded-connector.ts), not only the URL at creation: DNS may answer differently later.
 */
export class AddressPolicy {
  readonly allowHttp: boolean;
  readonly #cidrs: readonly Cidr[];
  readonly #hosts: ReadonlySet<string>;
  readonly #resolver: Resolver;

  constructor(options: AddressPolicyOptions = {}) {
    const cidrs: Cidr[] = [];
    const hosts = new Set<string>();
    for (const entry of options.allow ?? []) {
      const cidr = parseCidr(entry);
      if (cidr !== undefined) cidrs.push(cidr);
      else if (/^[a-z0-9.-]+$/i.test(entry)) hosts.add(entry.toLowerCase());
      else throw new RangeError(`allow-list entry "${entry}" is neither a CIDR, an IP address nor a host name`);
    }
    this.allowHttp = options.allowHttp ?? false;
    this.#cidrs = cidrs;
    this.#hosts = hosts;
    this.#resolver = options.resolver ?? systemResolver;
  }

  /** True when nothing is exempt: the production setting. */
  get isStrict(): boolean {
    return this.#cidrs.length === 0 && this.#hosts.size === 0;
  }

  /** Why this literal address may not be reached, or undefined when it may. */
  refusalFor(address: string): string | undefined {
    const parsed = parseIp(address);
    if (parsed === undefined) return 'not an IP address';
    if (this.#cidrs.some((cidr) => matches(cidr, parsed))) return undefined;
    const reason = nonPublicReason(parsed);
    return reason === undefined ? undefined : `${address} is ${reason}`;
  }

  isHostExempt(hostname: string): boolean {
    return this.#hosts.has(hostname.toLowerCase());
  }

  /**
   * The address to connect to for `hostname`: a literal IP is checked as it is; a name is resolved
   * now and the first allowed address returned, so the socket goes exactly where we checked.
   * Throws DestinationRefusedError when no address is allowed.
   */
  async resolveAllowed(hostname: string): Promise<string> {
    const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    if (parseIp(host) !== undefined) {
      const refusal = this.refusalFor(host);
      if (refusal !== undefined) throw new DestinationRefusedError(host, refusal);
      return host;
    }
    let addresses: readonly string[];
    try {
      addresses = await this.#resolver(host);
    } catch (error) {
      throw new DestinationRefusedError(host, `DNS lookup failed (${(error as { code?: string }).code ?? 'error'})`);
    }
    if (this.isHostExempt(host) && addresses[0] !== undefined) return addresses[0];
    const allowed = addresses.find((address) => this.refusalFor(address) === undefined);
    if (allowed !== undefined) return allowed;
    const first = addresses[0];
    throw new DestinationRefusedError(host, first === undefined ? 'no address' : `resolves only to non-public addresses (${this.refusalFor(first)})`);
  }
}

function parseCidr(entry: string): Cidr | undefined {
  const [address = '', bitsText] = entry.split('/');
  const parsed = parseIp(address);
  if (parsed === undefined) return undefined;
  const max = parsed.family === 4 ? 32 : 128;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > max) throw new RangeError(`allow-list entry "${entry}" has a bad prefix length`);
  return { family: parsed.family, bytes: parsed.bytes, bits };
}

function matches(cidr: Cidr, address: IpBytes): boolean {
  const candidate = address.family === 6 && inPrefix(address.bytes, MAPPED_PREFIX, 96) ? { family: 4, bytes: address.bytes.slice(12) } : address;
  return candidate.family === cidr.family && inPrefix(candidate.bytes, cidr.bytes, cidr.bits);
}

const MAPPED_PREFIX = Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0]);
