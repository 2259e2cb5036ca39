import type { AuthlogDatabase } from '../../../shared/db/database.js';
import type { CompletenessDatabase } from '../../../shared/db/completeness-tables.js';
import type { BackfillDatabase } from '../../indexer/src/backfill/backfill-tables.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';

/** What the ledger reads (authlog, webhook tables) and writes (its own tables). */
export interface LedgerDatabase extends AuthlogDatabase, BackfillDatabase, WebhooksDatabase, CompletenessDatabase {}
