import type { Migration } from 'kysely/migration';
import * as authlogAndOutbox from './2026-11-26-01-authlog-and-outbox.js';
import * as apiKeys from './2026-11-26-02-api-keys.js';
import * as relayLeases from './2026-11-26-03-relay-leases.js';
import * as backfillCheckpoints from './2026-11-26-04-backfill-checkpoints.js';
import * as recordProcedures from './2026-11-26-07-record-procedures.js';
import * as webhooks from './2026-11-26-05-webhooks.js';
import * as accounts from './2026-11-26-06-accounts.js';
import * as encryptedWebhookSecrets from './2026-12-02-01-encrypted-webhook-secrets.js';
import * as batchRecordProcedure from './2026-12-07-61-batch-record-procedure.js';
import * as republishJobs from './2026-12-07-71-republish-jobs.js';
import * as lifecycleJobRuns from './2026-12-07-72-lifecycle-job-runs.js';
import * as eventPublications from './2026-12-07-81-event-publications.js';
import * as completenessLedger from './2026-12-07-82-completeness-ledger.js';
import * as recordRowsProcedure from './2026-12-07-91-record-rows-procedure.js';
import * as apiKeyScopes from './2026-12-08-51-api-key-scopes.js';
import * as auditLog from './2026-12-08-52-audit-log.js';
import * as endpointHeaders from './2026-12-08-61-endpoint-headers.js';
import * as endpointDeliveryOverrides from './2026-12-08-62-endpoint-delivery-overrides.js';
import * as authlogPartitions from './2026-12-08-91-authlog-partitions.js';
import * as partitionedRecordProcedures from './2026-12-08-92-partitioned-record-procedures.js';
import * as dropEventPublications from './2026-12-08-93-drop-event-publications.js';
import * as messageListIndexes from './2026-12-08-94-message-list-indexes.js';
import * as webhookAttemptHours from './2026-12-08-95-webhook-attempt-hours.js';
import * as attemptRequestHeaders from './2026-12-09-20-attempt-request-headers.js';
import * as attemptNoticeType from './2026-12-09-60-attempt-notice-type.js';
import * as operationalEndpoints from './2026-12-09-50-operational-endpoints.js';

/**
 * Every migration, by name. Listed here instead of read from the folder so that the same code runs
 * from TypeScript sources (tests) and from the compiled dist/ (production). Names sort in order.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-26-01-authlog-and-outbox': authlogAndOutbox,
  '2026-11-26-02-api-keys': apiKeys,
  '2026-11-26-03-relay-leases': relayLeases,
  '2026-11-26-04-backfill-checkpoints': backfillCheckpoints,
  '2026-11-26-05-webhooks': webhooks,
  '2026-11-26-06-accounts': accounts,
  '2026-11-26-07-record-procedures': recordProcedures,
  '2026-12-02-01-encrypted-webhook-secrets': encryptedWebhookSecrets,
  '2026-12-07-61-batch-record-procedure': batchRecordProcedure,
  '2026-12-07-71-republish-jobs': republishJobs,
  '2026-12-07-72-lifecycle-job-runs': lifecycleJobRuns,
  '2026-12-07-81-event-publications': eventPublications,
  '2026-12-07-82-completeness-ledger': completenessLedger,
  '2026-12-07-91-record-rows-procedure': recordRowsProcedure,
  '2026-12-08-51-api-key-scopes': apiKeyScopes,
  '2026-12-08-52-audit-log': auditLog,
  '2026-12-08-61-endpoint-headers': endpointHeaders,
  '2026-12-08-62-endpoint-delivery-overrides': endpointDeliveryOverrides,
  '2026-12-08-91-authlog-partitions': authlogPartitions,
  '2026-12-08-92-partitioned-record-procedures': partitionedRecordProcedures,
  '2026-12-08-93-drop-event-publications': dropEventPublications,
  '2026-12-08-94-message-list-indexes': messageListIndexes,
  '2026-12-08-95-webhook-attempt-hours': webhookAttemptHours,
  '2026-12-09-20-attempt-request-headers': attemptRequestHeaders,
  '2026-12-09-50-operational-endpoints': operationalEndpoints,
  '2026-12-09-60-attempt-notice-type': attemptNoticeType,
};
