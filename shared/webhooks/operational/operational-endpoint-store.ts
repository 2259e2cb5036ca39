import type { KeyObject } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { KeyRing } from '../../crypto/key-ring.js';
import { newId } from '../endpoint-store.js';
import { sealSecret } from '../sealed-secrets.js';
import { activeSecrets, SecretStore } from '../secret-store.js';
import { generateSecret, secretKey } from '../signing.js';
import type { WebhooksDatabase } from '../webhook-tables.js';
import { toOperationalEndpoint, type OperationalEndpoint } from './operational-endpoint.js';
import { OperationalEndpointNotFoundError } from './operational-endpoint-not-found-error.js';
import type { OperationalDatabase, OperationalTables } from './operational-tables.js';

export interface OperationalEndpointInput {
  readonly url: string;
  readonly description?: string | undefined;
  readonly enabled?: boolean | undefined;
}

/** What the dispatcher's operational worker needs to send a notice. */
export interface OperationalTarget {
  readonly endpoint: OperationalEndpoint;
  /** Signing keys, newest first (a rotated secret signs until it expires, like an endpoint's). */
  readonly keys: readonly KeyObject[];
}

/**
 * The one operational endpoint of an account. Every statement carries the caller's account_id; the
 * UNIQUE key on account_id makes "one per account" hold under concurrent PUTs (the loser updates).
 * Secrets are sealed in webhook_secrets under the endpoint's `op_...` id, rotated by SecretStore.
 */
export class OperationalEndpointStore {
  readonly #secrets: SecretStore;

  constructor(
    private readonly db: Kysely<OperationalDatabase>,
    private readonly keys: KeyRing,
  ) {
    this.#secrets = new SecretStore(db, { get: (accountId, id, executor) => this.#owned(accountId, id, executor) }, keys);
  }

  async get(accountId: string): Promise<OperationalEndpoint> {
    const row = await this.db.selectFrom('webhook_operational_endpoints').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    if (row === undefined) throw new OperationalEndpointNotFoundError(accountId);
    return toOperationalEndpoint(row);
  }

  /** Creates (with a new secret, answered once) or replaces the URL, description and enabled flag. */
  async put(accountId: string, input: OperationalEndpointInput): Promise<{ endpoint: OperationalEndpoint; secret: string | null }> {
    try {
      return await this.#put(accountId, input);
    } catch (error) {
      // Two first PUTs at once: the UNIQUE key refused the second insert, which now finds the row.
      if ((error as { errno?: number }).errno !== ER_DUP_ENTRY) throw error;
      return this.#put(accountId, input);
    }
  }

  /** Deletes the endpoint with its secrets and attempt log. */
  async delete(accountId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('webhook_operational_endpoints').select('id').where('account_id', '=', accountId).forUpdate().executeTakeFirst();
      if (row === undefined) throw new OperationalEndpointNotFoundError(accountId);
      await trx.deleteFrom('webhook_secrets').where('endpoint_id', '=', row.id).execute();
      await trx.deleteFrom('webhook_attempts').where('endpoint_id', '=', row.id).where('account_id', '=', accountId).execute();
      await trx.deleteFrom('webhook_operational_endpoints').where('id', '=', row.id).where('account_id', '=', accountId).execute();
    });
  }

  async rotate(accountId: string, graceMs: number, chosen?: string): Promise<{ secret: string; previousExpiresAt: Date }> {
    const { id } = await this.get(accountId);
    return this.#secrets.rotate(accountId, id, graceMs, chosen);
  }

  /** Unscoped by key but by account: for the dispatcher, which has the account from the notice. */
  async target(accountId: string): Promise<OperationalTarget | undefined> {
    const row = await this.db.selectFrom('webhook_operational_endpoints').selectAll().where('account_id', '=', accountId).executeTakeFirst();
    if (row === undefined) return undefined;
    const secrets = await activeSecrets(this.db, this.keys, row.id);
    return { endpoint: toOperationalEndpoint(row), keys: secrets.map((secret) => secretKey(secret.secret)) };
  }

  async #put(accountId: string, input: OperationalEndpointInput): Promise<{ endpoint: OperationalEndpoint; secret: string | null }> {
    const secret = await this.db.transaction().execute(async (trx) => {
      const existing = await trx.selectFrom('webhook_operational_endpoints').select('id').where('account_id', '=', accountId).forUpdate().executeTakeFirst();
      if (existing !== undefined) {
        await trx
          .updateTable('webhook_operational_endpoints')
          .set({
            url: input.url,
            ...(input.description === undefined ? {} : { description: input.description }),
            ...(input.enabled === undefined ? {} : { enabled: input.enabled ? 1 : 0 }),
            updated_at: new Date(),
          })
          .where('id', '=', existing.id)
          .where('account_id', '=', accountId)
          .execute();
        return null;
      }
      const id = newId('op');
      const created = generateSecret();
      await trx
        .insertInto('webhook_operational_endpoints')
        .values({ id, account_id: accountId, url: input.url, description: input.description ?? '', enabled: input.enabled === false ? 0 : 1 })
        .execute();
      await trx.insertInto('webhook_secrets').values({ endpoint_id: id, ...sealSecret(this.keys, id, created), expires_at: null }).execute();
      return created;
    });
    return { endpoint: await this.get(accountId), secret };
  }

  async #owned(accountId: string, id: string, executor: Kysely<WebhooksDatabase> | Transaction<WebhooksDatabase> = this.db): Promise<void> {
    const row = await executor
      .withTables<OperationalTables>()
      .selectFrom('webhook_operational_endpoints')
      .select('id')
      .where('id', '=', id)
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    if (row === undefined) throw new OperationalEndpointNotFoundError(accountId);
  }
}

const ER_DUP_ENTRY = 1062;
