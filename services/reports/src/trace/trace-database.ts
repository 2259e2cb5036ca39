import type { AuthlogTable, OutboxTable } from '../../../../shared/db/database.js';
import type { WebhookAttemptsTable, WebhookEndpointsTable, WebhookMessagesTable } from '../../../../shared/webhooks/webhook-tables.js';

/** The tables the trace reads (it writes none). */
export interface TraceDatabase {
  authlog: AuthlogTable;
  outbox: OutboxTable;
  webhook_endpoints: WebhookEndpointsTable;
  webhook_attempts: WebhookAttemptsTable;
  webhook_messages: WebhookMessagesTable;
}
