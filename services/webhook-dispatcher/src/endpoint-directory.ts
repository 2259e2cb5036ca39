import type { KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../../shared/crypto/key-ring.js';
import type { EndpointFilters } from '../../../shared/webhooks/endpoint-filters.js';
import { toEndpoint, type Endpoint } from '../../../shared/webhooks/endpoint-record.js';
import type { EndpointChange } from '../../../shared/webhooks/endpoint-changes.js';
import { openHeaders } from '../../../shared/webhooks/headers/sealed-headers.js';
import type { RetrySchedule } from '../../../shared/webhooks/retry-schedule.js';
import { activeSecrets } from '../../../shared/webhooks/secret-store.js';
import { secretKey } from '../../../shared/webhooks/signing.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import { DeliveryOverrides } from './delivery-overrides.js';
import type { EndpointRequestOptions } from './http-deliverer.js';

/** What the fan-out needs to pick an account's endpoints for an event. */
export interface RoutingEntry {
  readonly id: string;
  readonly filters: EndpointFilters;
  /** Epoch ms: events committed (Kafka timestamp) before this are not the endpoint's. */
  readonly createdAt: number;
}

/** What a worker needs to send to an endpoint. */
export interface DeliveryTarget {
  readonly endpoint: Endpoint;
  /** Signing keys, newest first, with the time each stops signing (Infinity for the current one). */
  readonly keys: readonly { readonly key: KeyObject; readonly expiresAt: number }[];
  /** Its custom headers (opened; redacted if ever serialised or logged) and request timeout. */
  readonly request: EndpointRequestOptions;
  /** Its retry schedule: the endpoint's override or the service's. */
  readonly schedule: RetrySchedule;
}

interface Cached<Value> {
  readonly value: Promise<Value>;
  readonly expiresAt: number;
}

/**
 * Short-lived caches of endpoints, per account for the fan-out and per endpoint for the workers, so
 * that neither queries MySQL per event. Entries expire after `ttlMs` and are dropped at once when
 * an endpoint change is announced (endpoint-changes.ts). Concurrent misses share one query.
 */
export class EndpointDirectory {
  readonly #routes = new Map<string, Cached<RoutingEntry[]>>();
  readonly #targets = new Map<string, Cached<DeliveryTarget | undefined>>();

  constructor(
    private readonly db: Kysely<WebhooksDatabase>,
    private readonly ttlMs: number,
    private readonly keys: KeyRing,
    private readonly overrides: DeliveryOverrides,
  ) {}

  /** Endpoints of each account (every account asked for gets an entry, possibly empty). */
  async routesFor(accountIds: readonly string[]): Promise<Map<string, RoutingEntry[]>> {
    const now = Date.now();
    prune(this.#routes, now);
    const missing = [...new Set(accountIds)].filter((id) => !((this.#routes.get(id)?.expiresAt ?? 0) > now));
    if (missing.length > 0) {
      const loading = this.#loadRoutes(missing);
      for (const accountId of missing) {
        const value = loading.then((all) => all.get(accountId) ?? []);
        // A failed load must not stay cached (the handler also marks the promise as handled).
        value.catch(() => this.#routes.get(accountId)?.value === value && this.#routes.delete(accountId));
        this.#routes.set(accountId, { value, expiresAt: now + this.ttlMs });
      }
    }
    const unique = [...new Set(accountIds)];
    const lists = await Promise.all(unique.map((accountId) => this.#routes.get(accountId)?.value ?? Promise.resolve([])));
    return new Map(unique.map((accountId, index) => [accountId, lists[index] ?? []]));
  }

  /** The endpoint and its signing keys, or undefined when it was deleted. */
  target(endpointId: string): Promise<DeliveryTarget | undefined> {
    const now = Date.now();
    const cached = this.#targets.get(endpointId);
    if (cached !== undefined && cached.expiresAt > now) return cached.value;
    prune(this.#targets, now);
    const value = this.#loadTarget(endpointId);
    this.#targets.set(endpointId, { value, expiresAt: now + this.ttlMs });
    value.catch(() => this.#targets.get(endpointId)?.value === value && this.#targets.delete(endpointId));
    return value;
  }

  /** Creation time of the oldest enabled endpoint of any account: where a group without offsets starts. */
  async earliestEnabledCreatedAt(): Promise<Date | undefined> {
    const row = await this.db.selectFrom('webhook_endpoints').select((eb) => eb.fn.min('created_at').as('earliest')).where('enabled', '=', 1).executeTakeFirst();
    return row?.earliest ?? undefined;
  }

  invalidate(change: EndpointChange): void {
    this.#routes.delete(change.accountId);
    this.#targets.delete(change.endpointId);
  }

  async #loadRoutes(accountIds: readonly string[]): Promise<Map<string, RoutingEntry[]>> {
    const rows = await this.db.selectFrom('webhook_endpoints').selectAll().where('account_id', 'in', accountIds).orderBy('id').execute();
    const byAccount = new Map<string, RoutingEntry[]>();
    for (const row of rows) {
      const endpoint = toEndpoint(row);
      // Disabled endpoints still get their messages: the worker records them as failed, so they
      // can be recovered once the endpoint is enabled again, instead of never existing.
      byAccount.set(endpoint.accountId, [...(byAccount.get(endpoint.accountId) ?? []), { id: endpoint.id, filters: endpoint.filters, createdAt: endpoint.createdAt.getTime() }]);
    }
    return byAccount;
  }

  async #loadTarget(endpointId: string): Promise<DeliveryTarget | undefined> {
    const row = await this.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', endpointId).executeTakeFirst();
    if (row === undefined) return undefined;
    // Secrets and headers are decrypted here, once per cache fill, not per delivery.
    const secrets = await activeSecrets(this.db, this.keys, endpointId);
    const endpoint = toEndpoint(row);
    return {
      endpoint,
      keys: secrets.map((secret) => ({ key: secretKey(secret.secret), expiresAt: secret.expiresAt?.getTime() ?? Number.POSITIVE_INFINITY })),
      request: { headers: openHeaders(this.keys, endpointId, row), timeoutMs: this.overrides.timeoutMs(endpoint) },
      schedule: this.overrides.schedule(endpoint),
    };
  }
}

/** Expired entries are replaced on use; this bounds the maps when many accounts pass by once. */
function prune(map: Map<string, Cached<unknown>>, now: number): void {
  if (map.size < 20_000) return;
  for (const [key, entry] of map) if (entry.expiresAt <= now) map.delete(key);
}
