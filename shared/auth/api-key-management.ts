import type { Kysely } from 'kysely';
import type { ApiKeysDatabase, ApiKeyStore } from './api-key-store.js';
import { ApiKeyNotFoundError } from './errors/api-key-not-found-error.js';
import { LastAdminKeyError } from './errors/last-admin-key-error.js';
import { scopesFromColumn, type Scope } from './scopes.js';

/** A key as its account sees it: never the secret (only its digest is stored anyway). */
export interface ApiKeyRecord {
  readonly keyId: string;
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** Told of each revocation, so every instance drops its cached copy (api-key-revocations.ts). */
export interface RevocationNotifier {
  announce(keyId: string): Promise<void>;
}

/**
 * The API keys of one account, as the key management API changes them: every statement carries
 * the account, so another account's key reads as unknown. Creation goes through ApiKeyStore.
 */
export class ApiKeyManagement {
  constructor(
    private readonly db: Kysely<ApiKeysDatabase>,
    private readonly store: ApiKeyStore,
    private readonly notifier: RevocationNotifier,
  ) {}

  /** The account's keys in id order, revoked ones too (with `revokedAt`), `limit` after `after`. */
  async list(accountId: string, page: { limit: number; after?: string | undefined }): Promise<ApiKeyRecord[]> {
    let query = this.db
      .selectFrom('api_keys')
      .select(['key_id', 'name', 'scopes', 'created_at', 'revoked_at'])
      .where('account_id', '=', accountId)
      .orderBy('key_id')
      .limit(page.limit);
    if (page.after !== undefined) query = query.where('key_id', '>', page.after);
    return (await query.execute()).map(recordOf);
  }

  async get(accountId: string, keyId: string): Promise<ApiKeyRecord> {
    const row = await this.db
      .selectFrom('api_keys')
      .select(['key_id', 'name', 'scopes', 'created_at', 'revoked_at'])
      .where('account_id', '=', accountId)
      .where('key_id', '=', keyId)
      .executeTakeFirst();
    if (row === undefined) throw new ApiKeyNotFoundError(keyId);
    return recordOf(row);
  }

  /**
   * Revokes one of the account's keys (a revoked one again: no change). Refused when it is the
   * account's last live key with keys:admin. The account's live keys are locked first, so two
   * concurrent revocations of its last two admin keys cannot both pass the check.
   */
  async revoke(accountId: string, keyId: string): Promise<ApiKeyRecord> {
    const revoked = await this.db.transaction().execute(async (trx) => {
      const live = await trx
        .selectFrom('api_keys')
        .select(['key_id', 'scopes'])
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .forUpdate()
        .execute();
      const target = live.find((row) => row.key_id === keyId);
      if (target === undefined) return false;
      const admins = live.filter((row) => scopesFromColumn(row.scopes).includes('keys:admin'));
      if (admins.length === 1 && admins[0]?.key_id === keyId) throw new LastAdminKeyError(keyId);
      await trx.updateTable('api_keys').set({ revoked_at: new Date() }).where('account_id', '=', accountId).where('key_id', '=', keyId).execute();
      return true;
    });
    if (revoked) {
      this.store.forget(keyId);
      await this.notifier.announce(keyId);
    }
    return this.get(accountId, keyId);
  }
}

function recordOf(row: { key_id: string; name: string; scopes: string; created_at: Date; revoked_at: Date | null }): ApiKeyRecord {
  return { keyId: row.key_id, name: row.name, scopes: scopesFromColumn(row.scopes), createdAt: row.created_at, revokedAt: row.revoked_at };
}
