import type { Selectable } from 'kysely';
import type { WebhookOperationalEndpointsTable } from './operational-tables.js';

/** An account's operational endpoint: where notices about its endpoints and messages go. */
export interface OperationalEndpoint {
  readonly id: string;
  readonly accountId: string;
  readonly url: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export function toOperationalEndpoint(row: Selectable<WebhookOperationalEndpointsTable>): OperationalEndpoint {
  return {
    id: row.id,
    accountId: row.account_id,
    url: row.url,
    description: row.description,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
