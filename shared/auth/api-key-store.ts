import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKeysTable } from '../db/database.js';

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

/**
 * Customer API keys, stored hashed. `authenticate` caches hits for `cacheTtlMs` so that an API does
 * not query MySQL on every request; a revoked key stops working within that time.
 */
export class ApiKeyStore {
  readonly #cache = new Map<string, { caller: Caller; expiresAt: number }>();

  constructor(
    private readonly db: Kysely<ApiKeysDatabase>,
    private readonly cacheTtlMs = 30_000,
  ) {}

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
    const digest = sha256(secret);
    const cacheKey = `${keyId}:${digest.toString('hex')}`;
    const cached = this.#cache.get(cacheKey);
    if (cached !== undefined && cached.expiresAt > Date.now()) return cached.caller;

    const row = await this.db
      .selectFrom('api_keys')
      .select(['account_id', 'secret_sha256'])
      .where('key_id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (row === undefined || !timingSafeEqual(Buffer.from(row.secret_sha256), digest)) return undefined;
    const caller = { accountId: row.account_id, keyId };
    this.#cache.set(cacheKey, { caller, expiresAt: Date.now() + this.cacheTtlMs });
    return caller;
  }

  async revoke(keyId: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ revoked_at: new Date() }).where('key_id', '=', keyId).execute();
    for (const key of this.#cache.keys()) if (key.startsWith(`${keyId}:`)) this.#cache.delete(key);
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
