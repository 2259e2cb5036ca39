import { lookup } from 'node:dns/promises';
import { DestinationRefusedError } from '../errors/destination-refused-error.js';
import { inPrefix, nonPublicReason, parseIp, type IpBytes } from './ip-address.js';

/** Resolves a host name to its addresses (all of them, in the resolver's order). */
export type Resolver = (hostname: string) => Promise<readonly string[]>;

export const systemResolver: Resolver = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export interface AddressPolicyOptions {
  /**
   * Exceptions to the public-address rule, for the local demo and tests only: one address or host
   * and its port ("127.0.0.1:7008", "[::1]:7008", "demo-receiver:7008": the demo's way, only that
   * receiver), or, for tests, CIDRs, addresses and host names on any port ("127.0.0.0/8", "::1",
   * "receiver.local"). Empty in production (the services refuse it with NODE_ENV=production).
   */
  readonly allow?: readonly string[];
  /**
   * Ports no webhook may reach, whatever the address: well-known non-HTTP services (SSH, SMTP,
   * databases, Kafka, Elasticsearch...). Only an allow entry naming that exact port overrides it.
   */
  readonly blockedPorts?: readonly number[];
  /** Plain http endpoints are accepted (https only otherwise). */
  readonly allowHttp?: boolean;
  readonly resolver?: Resolver;
}

interface Cidr {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
  readonly bits: number;
}

/** An allow entry bound to one port: only that address (or host) and that port are exempt. */
interface ExactAddress extends Cidr {
  readonly port: number;
}

/** Well-known ports of services that are not webhook receivers (WEBHOOK_BLOCKED_PORTS' default). */
export const DEFAULT_BLOCKED_PORTS: readonly number[] = [
  21, 22, 23, 25, 53, 110, 111, 135, 139, 143, 389, 445, 465, 587, 636, 993, 995, 1433, 1521, 2049, 2375, 2376, 2379, 2380, 3306, 3307,
  3389, 4369, 5432, 5672, 5984, 6379, 6380, 6381, 6443, 9042, 9092, 9093, 9094, 9200, 9201, 9300, 10250, 11211, 27017,
];

/**
 * Decides which destinations webhooks may reach. Every connection is checked (see
 * guarded-connector.ts), not only the URL at creation: DNS may answer differently later.
 */
export class AddressPolicy {
  readonly allowHttp: boolean;
  readonly #cidrs: readonly Cidr[];
  readonly #hosts: ReadonlySet<string>;
  readonly #exactAddresses: readonly ExactAddress[];
  /** `host:port` of the host entries bound to a port. */
  readonly #exactHosts: ReadonlySet<string>;
  readonly #blockedPorts: ReadonlySet<number>;
  readonly #resolver: Resolver;

  constructor(options: AddressPolicyOptions = {}) {
    const cidrs: Cidr[] = [];
    const hosts = new Set<string>();
    const exactAddresses: ExactAddress[] = [];
    const exactHosts = new Set<string>();
    for (const entry of options.allow ?? []) {
      const withPort = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i.exec(entry);
      if (withPort !== null) {
        const [, host = '', portText = ''] = withPort;
        const port = Number(portText);
        if (port < 1 || port > 65_535) throw new RangeError(`allow-list entry "${entry}" has a bad port`);
        const address = parseIp(host.replace(/^\[|\]$/g, ''));
        if (address !== undefined) exactAddresses.push({ ...address, bits: address.family === 4 ? 32 : 128, port });
        else exactHosts.add(`${host.toLowerCase()}:${port}`);
        continue;
      }
      const cidr = parseCidr(entry);
      if (cidr !== undefined) cidrs.push(cidr);
      else if (/^[a-z0-9.-]+$/i.test(entry)) hosts.add(entry.toLowerCase());
      else throw new RangeError(`allow-list entry "${entry}" is neither host:port, a CIDR, an IP address nor a host name`);
    }
    for (const port of options.blockedPorts ?? []) {
      if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new RangeError(`blocked port ${port} is not a port number`);
    }
    this.allowHttp = options.allowHttp ?? false;
    this.#cidrs = cidrs;
    this.#hosts = hosts;
    this.#exactAddresses = exactAddresses;
    this.#exactHosts = exactHosts;
    this.#blockedPorts = new Set(options.blockedPorts ?? []);
    this.#resolver = options.resolver ?? systemResolver;
  }

  /** True when nothing is exempt: the production setting. */
  get isStrict(): boolean {
    return this.#cidrs.length === 0 && this.#hosts.size === 0 && this.#exactAddresses.length === 0 && this.#exactHosts.size === 0;
  }

  /** Why `port` may not be reached on any address, or undefined when it may. */
  portRefusal(port: number): string | undefined {
    return this.#blockedPorts.has(port) ? `port ${port} is a well-known non-HTTP service port (WEBHOOK_BLOCKED_PORTS)` : undefined;
  }

  /**
   * Why this literal address may not be reached (on `port`, when given), or undefined when it may.
   * An allow entry naming this address and port exempts it from every rule; otherwise the port
   * policy applies, then the CIDR exceptions and the public-address rule.
   */
  refusalFor(address: string, port?: number): string | undefined {
    const parsed = parseIp(address);
    if (parsed === undefined) return 'not an IP address';
    if (port !== undefined && this.#exactAddresses.some((exact) => exact.port === port && matches(exact, parsed))) return undefined;
    const portProblem = port === undefined ? undefined : this.portRefusal(port);
    if (portProblem !== undefined) return portProblem;
    if (this.#cidrs.some((cidr) => matches(cidr, parsed))) return undefined;
    const reason = nonPublicReason(parsed);
    return reason === undefined ? undefined : `${address} is ${reason}`;
  }

  /** Whether `hostname` (on `port`, when given) is exempt by name: its addresses are not checked. */
  isHostExempt(hostname: string, port?: number): boolean {
    const host = hostname.toLowerCase();
    if (port !== undefined && this.#exactHosts.has(`${host}:${port}`)) return true;
    return this.#hosts.has(host) && (port === undefined || this.portRefusal(port) === undefined);
  }

  /**
   * The address to connect to for `hostname`: a literal IP is checked as it is; a name is resolved
   * now and the first allowed address returned, so the socket goes exactly where we checked.
   * Throws DestinationRefusedError when no address is allowed. `port` is the one the connection
   * goes to (always given at connect time, so the port policy holds there too).
   */
  async resolveAllowed(hostname: string, port?: number): Promise<string> {
    const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
    if (parseIp(host) !== undefined) {
      const refusal = this.refusalFor(host, port);
      if (refusal !== undefined) throw new DestinationRefusedError(host, refusal);
      return host;
    }
    const portProblem = port === undefined || this.isHostExempt(host, port) ? undefined : this.portRefusal(port);
    if (portProblem !== undefined) throw new DestinationRefusedError(host, portProblem);
    let addresses: readonly string[];
    try {
      addresses = await this.#resolver(host);
    } catch (error) {
      throw new DestinationRefusedError(host, `DNS lookup failed (${(error as { code?: string }).code ?? 'error'})`);
    }
    if (this.isHostExempt(host, port) && addresses[0] !== undefined) return addresses[0];
    const allowed = addresses.find((address) => this.refusalFor(address, port) === undefined);
    if (allowed !== undefined) return allowed;
    const first = addresses[0];
    throw new DestinationRefusedError(host, first === undefined ? 'no address' : `resolves only to non-public addresses (${this.refusalFor(first, port)})`);
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
