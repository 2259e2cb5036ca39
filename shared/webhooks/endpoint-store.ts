import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { EndpointLimitError } from './errors/endpoint-limit-error.js';
import type { EndpointFilters } from './endpoint-filters.js';
import { toEndpoint, type DisabledReason, type Endpoint } from './endpoint-record.js';
import { EndpointNotFoundError } from './errors/endpoint-not-found-error.js';
import { generateSecret } from './signing.js';
import type { WebhooksDatabase } from './webhook-tables.js';
import type { KeyRing } from '../crypto/key-ring.js';
import { sealSecret } from './sealed-secrets.js';
import { checkHeaderBounds, mergeHeaders } from './headers/merge-headers.js';
import { openHeaderPairs, sealHeaders, type HeaderPairs } from './headers/sealed-headers.js';

export interface EndpointInput {
  readonly url: string;
  readonly description: string;
  readonly filters: EndpointFilters;
  readonly rateLimitPerSecond: number | null;
  readonly maxConcurrency: number;
  /** A customer-chosen `whsec_` secret; generated when absent. */
  readonly secret?: string | undefined;
  /** Custom headers sent on every attempt (already checked against headers/header-rules.ts). */
  readonly headers?: HeaderPairs | undefined;
  /** Overrides of the service's request timeout and retry schedule (already within its bounds); null: the service's. */
  readonly timeoutMs?: number | null | undefined;
  readonly retrySchedule?: readonly string[] | null | undefined;
}

export type EndpointPatch = Partial<Omit<EndpointInput, 'secret' | 'headers'>> & {
  readonly disabled?: boolean;
  /** Merged into the stored headers: a string sets a header, null removes it (headers/merge-headers.ts). */
  readonly headers?: Readonly<Record<string, string | null>> | undefined;
};

/** How long a create waits for another create of the same account (they take milliseconds). */
const LOCK_WAIT_SECONDS = 10;

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

  /**
   * Creates an endpoint; with `maxEndpoints`, only while the account has fewer. Concurrent creates
   * of one account are serialised by a MySQL named lock held on one connection from before the
   * count until after the commit, so two requests cannot both count 49 and both insert the 50th:
   * the count and the insert are one decision. Other accounts do not wait.
   */
  async create(accountId: string, input: EndpointInput, options: { maxEndpoints?: number } = {}): Promise<{ endpoint: Endpoint; secret: string }> {
    const id = newId('ep');
    const secret = input.secret ?? generateSecret();
    checkHeaderBounds(input.headers ?? []);
    const lock = `authlog:endpoints:${createHash('sha256').update(accountId).digest('hex').slice(0, 40)}`;
    await this.db.connection().execute(async (connection) => {
      const locked = await sql<{ got: number | null }>`SELECT GET_LOCK(${lock}, ${LOCK_WAIT_SECONDS}) AS got`.execute(connection);
      if (Number(locked.rows[0]?.got) !== 1) throw new Error(`could not lock the endpoints of account ${accountId} within ${LOCK_WAIT_SECONDS} s`);
      try {
        await connection.transaction().execute(async (trx) => {
          if (options.maxEndpoints !== undefined) {
            const row = await trx.selectFrom('webhook_endpoints').select((eb) => eb.fn.countAll<number>().as('n')).where('account_id', '=', accountId).executeTakeFirst();
            if (Number(row?.n ?? 0) >= options.maxEndpoints) throw new EndpointLimitError(options.maxEndpoints);
          }
          await this.#insert(trx, accountId, id, secret, input);
        });
      } finally {
        await sql`SELECT RELEASE_LOCK(${lock})`.execute(connection);
      }
    });
    return { endpoint: await this.get(accountId, id), secret };
  }

  async #insert(trx: Transaction<WebhooksDatabase>, accountId: string, id: string, secret: string, input: EndpointInput): Promise<void> {
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
        ...sealHeaders(this.keys, id, input.headers ?? []),
        timeout_ms: input.timeoutMs ?? null,
        retry_schedule: scheduleColumn(input.retrySchedule ?? null),
      })
      .execute();
    await trx.insertInto('webhook_secrets').values({ endpoint_id: id, ...sealSecret(this.keys, id, secret), expires_at: null }).execute();
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
      ...(patch.timeoutMs === undefined ? {} : { timeout_ms: patch.timeoutMs }),
      ...(patch.retrySchedule === undefined ? {} : { retry_schedule: scheduleColumn(patch.retrySchedule) }),
      ...(patch.disabled === true ? disabledColumns('disabled_by_customer', 'disabled through the API') : {}),
      ...(patch.disabled === false ? enabledColumns() : {}),
      updated_at: new Date(),
    };
    const { headers } = patch;
    if (headers === undefined) {
      const result = await this.db.updateTable('webhook_endpoints').set(values).where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) throw new EndpointNotFoundError(id);
      return this.get(accountId, id);
    }
    // Headers merge into the stored set: read and re-sealed under a row lock, so two PATCHes of
    // different headers of one endpoint both land.
    await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('webhook_endpoints').select(['headers_key_id', 'headers_sealed']).where('id', '=', id).where('account_id', '=', accountId).forUpdate().executeTakeFirst();
      if (row === undefined) throw new EndpointNotFoundError(id);
      const merged = mergeHeaders(openHeaderPairs(this.keys, id, row), headers);
      await trx.updateTable('webhook_endpoints').set({ ...values, ...sealHeaders(this.keys, id, merged) }).where('id', '=', id).where('account_id', '=', accountId).execute();
    });
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

function scheduleColumn(schedule: readonly string[] | null): string | null {
  return schedule === null ? null : JSON.stringify(schedule);
}

export function disabledColumns(reason: DisabledReason, detail: string) {
  return { enabled: 0, disabled_reason: reason, disabled_detail: detail.slice(0, 512), disabled_at: new Date() };
}

function enabledColumns() {
  return { enabled: 1, disabled_reason: null, disabled_detail: null, disabled_at: null, failing_since: null };
}
