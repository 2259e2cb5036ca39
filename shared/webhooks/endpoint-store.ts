import { randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { EndpointFilters } from './endpoint-filters.js';
import { toEndpoint, type DisabledReason, type Endpoint } from './endpoint-record.js';
import { EndpointNotFoundError } from './errors/endpoint-not-found-error.js';
import { generateSecret } from './signing.js';
import type { WebhooksDatabase } from './webhook-tables.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { sealSecret } from './sealed-secrets.js';

export interface EndpointInput {
  readonly url: string;
  readonly description: string;
  readonly filters: EndpointFilters;
  readonly rateLimitPerSecond: number | null;
  readonly maxConcurrency: number;
  /** A customer-chosen `whsec_` secret; generated when absent. */
  readonly secret?: string | undefined;
}

export type EndpointPatch = Partial<Omit<EndpointInput, 'secret'>> & { readonly disabled?: boolean };

/** Time-sortable ids (`ep_<base36 ms><random>`), so lists page in creation order. */
export function newId(prefix: string): string {
  return `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomBytes(8).toString('hex')}`;
}

/**
 * Customer-facing reads and writes of endpoints. Every statement carries the caller's account_id:
 * another account's endpoint is "not found", exactly like an unknown id.
 */
export class EndpointStore {
  constructor(
    private readonly db: Kysely<WebhooksDatabase>,
    private readonly keys: KeyRing,
  ) {}

  async create(accountId: string, input: EndpointInput): Promise<{ endpoint: Endpoint; secret: string }> {
    const id = newId('ep');
    const secret = input.secret ?? generateSecret();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .insertInto('webhook_endpoints')
        .values({
          id,
          account_id: accountId,
          url: input.url,
          description: input.description,
          filters: JSON.stringify(input.filters),
          rate_limit_per_second: input.rateLimitPerSecond,
          max_concurrency: input.maxConcurrency,
          enabled: 1,
          disabled_reason: null,
          disabled_detail: null,
          disabled_at: null,
          failing_since: null,
        })
        .execute();
      await trx.insertInto('webhook_secrets').values({ endpoint_id: id, ...sealSecret(this.keys, id, secret), expires_at: null }).execute();
    });
    return { endpoint: await this.get(accountId, id), secret };
  }

  async count(accountId: string): Promise<number> {
    const row = await this.db.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Endpoints in creation order, `limit` at a time, after the id `after` (the previous page's last). */
  async list(accountId: string, page: { limit: number; after?: string | undefined }): Promise<Endpoint[]> {
    let query = this.db.selectFrom('webhook_endpoints').selectAll().where('account_id', '=', accountId);
    if (page.after !== undefined) query = query.where('id', '>', page.after);
    return (await query.orderBy('id').limit(page.limit).execute()).map(toEndpoint);
  }

  async get(accountId: string, id: string, executor: Kysely<WebhooksDatabase> | Transaction<WebhooksDatabase> = this.db): Promise<Endpoint> {
    const row = await executor.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    if (row === undefined) throw new EndpointNotFoundError(id);
    return toEndpoint(row);
  }

  async update(accountId: string, id: string, patch: EndpointPatch): Promise<Endpoint> {
    const values = {
      ...(patch.url === undefined ? {} : { url: patch.url }),
      ...(patch.description === undefined ? {} : { description: patch.description }),
      ...(patch.filters === undefined ? {} : { filters: JSON.stringify(patch.filters) }),
      ...(patch.rateLimitPerSecond === undefined ? {} : { rate_limit_per_second: patch.rateLimitPerSecond }),
      ...(patch.maxConcurrency === undefined ? {} : { max_concurrency: patch.maxConcurrency }),
      ...(patch.disabled === true ? disabledColumns('disabled_by_customer', 'disabled through the API') : {}),
      ...(patch.disabled === false ? enabledColumns() : {}),
      updated_at: new Date(),
    };
    const result = await this.db.updateTable('webhook_endpoints').set(values).where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new EndpointNotFoundError(id);
    return this.get(accountId, id);
  }

  /** Deletes the endpoint with its secrets, messages and attempt log. */
  async delete(accountId: string, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.get(accountId, id, trx);
      await trx.deleteFrom('webhook_secrets').where('endpoint_id', '=', id).execute();
      await trx.deleteFrom('webhook_messages').where('endpoint_id', '=', id).execute();
      await trx.deleteFrom('webhook_endpoints').where('id', '=', id).where('account_id', '=', accountId).execute();
    });
    // The attempt log may be long: deleted in slices, outside the transaction.
    for (;;) {
      const deleted = await this.db.deleteFrom('webhook_attempts').where('endpoint_id', '=', id).limit(5_000).executeTakeFirst();
      if (Number(deleted.numDeletedRows) < 5_000) break;
    }
  }

  /** Takes a disabled endpoint back into service; its failure clock starts from zero. */
  async enable(accountId: string, id: string): Promise<Endpoint> {
    return this.update(accountId, id, { disabled: false });
  }
}

export function disabledColumns(reason: DisabledReason, detail: string) {
  return { enabled: 0, disabled_reason: reason, disabled_detail: detail.slice(0, 512), disabled_at: new Date() };
}

function enabledColumns() {
  return { enabled: 1, disabled_reason: null, disabled_detail: null, disabled_at: null, failing_since: null };
}
