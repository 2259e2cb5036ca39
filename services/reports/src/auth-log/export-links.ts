import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { ExportLinkError } from '../errors/export-link-error.js';

/** What a download link grants: one account's export with these query parameters, once, until expiry. */
export interface ExportGrant {
  readonly accountId: string;
  /** The API key that made the link: revoking it voids the link. */
  readonly keyId: string;
  /** Random id of this link, spent on its first use (single use, see LinkRedemptions). */
  readonly linkId: string;
  /** The export's query string, validated when the link was made and again when it is used. */
  readonly query: string;
  readonly expiresAtMs: number;
}

/**
 * Short-lived signed download links, so a browser can stream an export straight to disk with a
 * plain navigation (which cannot send an Authorization header) without the API key ever appearing
 * in a URL. The link is an HMAC-SHA256 over the grant: it cannot be altered to another account or
 * query, and stops working after its TTL. Every instance behind a load balancer needs the same secret.
 * It names the key that made it and a random link id: the download route refuses it once that key
 * is revoked or the link was used (a link copied from a browser history or a log is worth nothing).
 */
export class ExportLinks {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  sign(accountId: string, keyId: string, query: string): { token: string; expiresAtMs: number } {
    const expiresAtMs = this.now() + this.ttlMs;
    const linkId = randomBytes(16).toString('base64url');
    const payload = Buffer.from(JSON.stringify({ a: accountId, k: keyId, n: linkId, q: query, e: expiresAtMs })).toString('base64url');
    return { token: `${payload}.${this.#mac(payload)}`, expiresAtMs };
  }

  verify(token: string): ExportGrant {
    const match = /^([A-Za-z0-9_-]{1,4096})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (match === null) throw new ExportLinkError('malformed');
    const [, payload = '', mac = ''] = match;
    const expected = Buffer.from(this.#mac(payload), 'base64url');
    const given = Buffer.from(mac, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new ExportLinkError('signature');
    const grant = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { a?: unknown; k?: unknown; n?: unknown; q?: unknown; e?: unknown };
    if (typeof grant.a !== 'string' || typeof grant.k !== 'string' || typeof grant.n !== 'string' || typeof grant.q !== 'string' || typeof grant.e !== 'number') throw new ExportLinkError('malformed');
    if (grant.e < this.now()) throw new ExportLinkError('expired');
    return { accountId: grant.a, keyId: grant.k, linkId: grant.n, query: grant.q, expiresAtMs: grant.e };
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.secret).update(payload).digest('base64url');
  }
}
