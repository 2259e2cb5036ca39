import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKeysTable } from '../db/database.js';
import { LruCache } from '../util/lru-cache.js';

/** The account a request acts for: every customer-facing read or write is scoped by it. */
export interface Caller {
  readonly accountId: string;
  readonly keyId: string;
}

interface ApiKeysDatabase {
  api_keys: ApiKeysTable;
}

// alk_<key id>_<secret>: the id finds the row, the secret proves possession. Secrets are 32 random
// bytes, so a plain SHA-256 is enough to store them (no password-style stretching is needed).
const TOKEN = /^alk_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

/** What is cached per key id: the live row, or null for an id with no live key (unknown or revoked). */
type CachedKey = { readonly row: { readonly accountId: string; readonly digest: Buffer } | null; readonly expiresAt: number };

/**
 * Customer API keys, stored hashed. `authenticate` caches each key id's row for `cacheTtlMs`, so an
 * API does not query MySQL on every request; a revoked key stops working within that time (at once
 * on the instance that revoked it). Ids with no live key are cached too, for at most
 * `unknownTtlMs`, so a flood of made-up keys is not a flood of MySQL queries. The cache is keyed by
 * what callers send, hence bounded (least recently used ids are forgotten first).
 */
export class ApiKeyStore {
  readonly #cache: LruCache<string, CachedKey>;
  readonly #unknownTtlMs: number;

  constructor(
    private readonly db: Kysely<ApiKeysDatabase>,
    private readonly cacheTtlMs = 30_000,
    options: { unknownTtlMs?: number; capacity?: number } = {},
  ) {
    this.#unknownTtlMs = Math.min(options.unknownTtlMs ?? 5_000, cacheTtlMs);
    this.#cache = new LruCache(options.capacity ?? 10_000);
  }

  /** Creates a key; the token is returned once and never stored. */
  async create(accountId: string, name: string): Promise<{ keyId: string; token: string }> {
    const keyId = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
    const secret = randomBytes(32).toString('base64url');
    await this.db.insertInto('api_keys').values({ key_id: keyId, account_id: accountId, secret_sha256: sha256(secret), name }).execute();
    return { keyId, token: `alk_${keyId}_${secret}` };
  }

  /** The caller for a token, or undefined for a malformed, unknown, wrong or revoked one. */
  async authenticate(token: string): Promise<Caller | undefined> {
    const match = TOKEN.exec(token);
    if (match === null) return undefined;
    const [, keyId = '', secret = ''] = match;
    const row = await this.#row(keyId);
    if (row === null || !timingSafeEqual(row.digest, sha256(secret))) return undefined;
    return { accountId: row.accountId, keyId };
  }

  /** Whether `keyId` names a live (not revoked) key, as authenticate sees it (same cache). */
  async isLive(keyId: string): Promise<boolean> {
    return (await this.#row(keyId)) !== null;
  }

  async revoke(keyId: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('key_id', '=', keyId).execute();
    this.#cache.delete(keyId);
  }

  async #row(keyId: string): Promise<CachedKey['row']> {
    const cached = this.#cache.get(keyId);
    if (cached !== undefined && cached.expiresAt > Date.now()) return cached.row;
    const found = await this.db
      .selectFrom('api_keys')
      .select(['account_id', 'secret_sha256'])
      .where('key_id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const row = found === undefined ? null : { accountId: found.account_id, digest: Buffer.from(found.secret_sha256) };
    const ttl = row === null ? this.#unknownTtlMs : this.cacheTtlMs;
    if (ttl > 0) this.#cache.set(keyId, { row, expiresAt: Date.now() + ttl });
    return row;
  }
}

/** The token from `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

function sha256(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
