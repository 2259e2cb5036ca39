import type { Endpoint } from '../../../shared/webhooks/endpoint-record.js';
import { operationalNotice, type OperationalNotice } from '../../../shared/webhooks/operational/operational-notice.js';

/**
 * `endpoint.enabled` for an endpoint that was disabled: identified by the disable it ends (its
 * disabled_at), so two enables racing over the same disable are one notice.
 */
export function enabledNotice(before: Endpoint): OperationalNotice {
  return operationalNotice(before.accountId, 'endpoint.enabled', { endpoint_id: before.id }, [before.id, String(before.disabledAt?.getTime() ?? 0)]);
}
