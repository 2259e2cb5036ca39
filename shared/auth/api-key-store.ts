import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKeysTable } from '../db/database.js';
import { LruCache } from '../util/lru-cache.js';
import { scopesFromColumn, scopesToColumn, type Scope } from './scopes.js';

/** The account a request acts for: every customer-facing read or write is scoped by it. */
export interface Caller {
  readonly accountId: string;
  readonly keyId: string;
  /** What the key may do (shared/auth/scopes.ts). */
  readonly scopes: readonly Scope[];
}

export interface ApiKeysDatabase {
  api_keys: ApiKeysTable;
}

// alk_<key id>_<secret>: the id finds the row, the secret proves possession. Secrets are 32 random
// bytes, so a plain SHA-256 is enough to store them (no password-style stretching is needed).
const TOKEN = /^alk_([A-Za-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

interface LiveKey {
  readonly accountId: string;
  readonly digest: Buffer;
  readonly scopes: readonly Scope[];
}

/** What is cached per key id: the live row, or null for an id with no live key (unknown or revoked). */
type CachedKey = { readonly row: LiveKey | null; readonly cachedAt: number };

/**
 * Customer API keys, stored hashed. `authenticate` caches each key id's row for `cacheTtlMs`, so an
 * API does not query MySQL on every request. Revocations reach every instance at once through
 * `forget` (shared/auth/api-key-revocations.ts, Redis pub/sub); while that feed is down
 * (`feedConnected(false)`) a cached row is trusted for at most `unsubscribedTtlMs`, and without a
 * feed at all for `cacheTtlMs`. Ids with no live key are cached too, for at most `unknownTtlMs`, so
 * a flood of made-up keys is not a flood of MySQL queries. The cache is keyed by what callers send,
 * hence bounded (least recently used ids are forgotten first).
 */
export class ApiKeyStore {
  readonly #cache: LruCache<string, CachedKey>;
  readonly #unknownTtlMs: number;
  readonly #unsubscribedTtlMs: number;
  #feed: 'none' | 'connected' | 'disconnected' = 'none';

  constructor(
    private readonly db: Kysely<ApiKeysDatabase>,
    private readonly cacheTtlMs = 30_000,
    options: { unknownTtlMs?: number; capacity?: number; unsubscribedTtlMs?: number } = {},
  ) {
    this.#unknownTtlMs = Math.min(options.unknownTtlMs ?? 5_000, cacheTtlMs);
    this.#unsubscribedTtlMs = Math.min(options.unsubscribedTtlMs ?? 1_000, cacheTtlMs);
    this.#cache = new LruCache(options.capacity ?? 10_000);
  }

  /** Creates a key with `scopes`; the token is returned once and never stored. */
  async create(accountId: string, name: string, scopes: readonly Scope[]): Promise<{ keyId: string; token: string }> {
    const keyId = randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16);
    const secret = randomBytes(32).toString('base64url');
    await this.db.insertInto('api_keys').values({ key_id: keyId, account_id: accountId, secret_sha256: sha256(secret), name, scopes: scopesToColumn(scopes) }).execute();
    return { keyId, token: `alk_${keyId}_${secret}` };
  }

  /** The caller for a token, or undefined for a malformed, unknown, wrong or revoked one. */
  async authenticate(token: string): Promise<Caller | undefined> {
    const match = TOKEN.exec(token);
    if (match === null) return undefined;
    const [, keyId = '', secret = ''] = match;
    const row = await this.#row(keyId);
    if (row === null || !timingSafeEqual(row.digest, sha256(secret))) return undefined;
    return { accountId: row.accountId, keyId, scopes: row.scopes };
  }

  /** Whether `keyId` names a live (not revoked) key, as authenticate sees it (same cache). */
  async isLive(keyId: string): Promise<boolean> {
    return (await this.#row(keyId)) !== null;
  }

  /** Revokes a key whatever its account (operators, tests); customers go through ApiKeyManagement. */
  async revoke(keyId: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('key_id', '=', keyId).execute();
    this.forget(keyId);
  }

  /** Drops a key's cached row (it was revoked, here or on another instance). */
  forget(keyId: string): void {
    this.#cache.delete(keyId);
  }

  /** Drops every cached row (the revocation feed reconnected: notices may have been missed). */
  forgetAll(): void {
    this.#cache.clear();
  }

  /** Whether the revocation feed is up: while it is not, cached rows are trusted only briefly. */
  feedConnected(connected: boolean): void {
    this.#feed = connected ? 'connected' : 'disconnected';
  }

  async #row(keyId: string): Promise<LiveKey | null> {
    const cached = this.#cache.get(keyId);
    if (cached !== undefined && Date.now() - cached.cachedAt < this.#ttl(cached.row)) return cached.row;
    const found = await this.db
      .selectFrom('api_keys')
      .select(['account_id', 'secret_sha256', 'scopes'])
      .where('key_id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const row = found === undefined ? null : { accountId: found.account_id, digest: Buffer.from(found.secret_sha256), scopes: scopesFromColumn(found.scopes) };
    if (this.#ttl(row) > 0) this.#cache.set(keyId, { row, cachedAt: Date.now() });
    return row;
  }

  /** How long a cached row is trusted: briefly while revocations may go unheard. */
  #ttl(row: LiveKey | null): number {
    const ttl = row === null ? this.#unknownTtlMs : this.cacheTtlMs;
    return this.#feed === 'disconnected' ? Math.min(ttl, this.#unsubscribedTtlMs) : ttl;
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
