import type { ColumnType, Kysely } from 'kysely';
import { ValidationError } from '../../../../shared/errors/validation-error.js';
import { LruCache } from '../../../../shared/util/lru-cache.js';
import { canonicalTimeZone } from '../params/time-zone.js';

/** The accounts table (migration 2026-11-26-06). */
export interface AccountsTable {
  account_id: string;
  display_name: string;
  time_zone: string;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, never>;
}

export interface Account {
  readonly accountId: string;
  readonly displayName: string;
  /** IANA name; report buckets follow it unless a request names another zone. */
  readonly timeZone: string;
}

/**
 * Account settings the reports need, cached for `cacheTtlMs` (a changed time zone applies within
 * that time). An account without a row reads as "UTC, named by its id".
 */
export class AccountStore {
  readonly #cache = new LruCache<string, { account: Account; expiresAt: number }>(10_000);

  constructor(
    private readonly db: Kysely<{ accounts: AccountsTable }>,
    private readonly cacheTtlMs = 30_000,
  ) {}

  async get(accountId: string): Promise<Account> {
    const cached = this.#cache.get(accountId);
    if (cached !== undefined && cached.expiresAt > Date.now()) return cached.account;
    const row = await this.db.selectFrom('accounts').select(['display_name', 'time_zone']).where('account_id', '=', accountId).executeTakeFirst();
    const account = { accountId, displayName: row?.display_name ?? accountId, timeZone: canonicalZoneOf(row?.time_zone ?? 'UTC') };
    this.#cache.set(accountId, { account, expiresAt: Date.now() + this.cacheTtlMs });
    return account;
  }

  /** Creates or updates an account's settings (operators and tests; customers cannot call this). */
  async upsert(account: Account): Promise<void> {
    const timeZone = canonicalTimeZone(account.timeZone);
    if (timeZone === null) throw new ValidationError([{ field: 'time_zone', expected: 'an IANA time zone name, e.g. Europe/Berlin' }]);
    await this.db
      .insertInto('accounts')
      .values({ account_id: account.accountId, display_name: account.displayName, time_zone: timeZone })
      .onDuplicateKeyUpdate({ display_name: account.displayName, time_zone: timeZone })
      .execute();
    this.#cache.delete(account.accountId);
  }
}

/** Rows written before ids were canonical may hold an alias: read them as the canonical id. */
const canonicalZoneOf = (stored: string): string => canonicalTimeZone(stored) ?? stored;
