import type { RoutePolicies } from '../../../shared/http/route-policy.js';

/**
 * The scope each route of the webhook API needs, and the audit action of each route that changes
 * an account's configuration (shared/http/route-policy.ts). A route registered behind the API key
 * without a line here stops the API at start. Reading a signing secret needs webhooks:write: with
 * it one can sign deliveries the customer's receiver would trust.
 */
export const webhookApiPolicies: RoutePolicies = {
  'POST /v1/endpoints': { scope: 'webhooks:write', audit: 'endpoint.create' },
  'GET /v1/endpoints': { scope: 'webhooks:read' },
  'GET /v1/endpoints/:endpointId': { scope: 'webhooks:read' },
  'PATCH /v1/endpoints/:endpointId': { scope: 'webhooks:write', audit: 'endpoint.update', auditAs: disablingOrEnabling },
  'DELETE /v1/endpoints/:endpointId': { scope: 'webhooks:write', audit: 'endpoint.delete' },
  'POST /v1/endpoints/:endpointId/enable': { scope: 'webhooks:write', audit: 'endpoint.enable' },
  'GET /v1/endpoints/:endpointId/secret': { scope: 'webhooks:write' },
  'POST /v1/endpoints/:endpointId/secret/rotate': { scope: 'webhooks:write', audit: 'endpoint.secret.rotate' },
  'POST /v1/endpoints/:endpointId/test': { scope: 'webhooks:write' },
  'GET /v1/endpoints/:endpointId/attempts': { scope: 'webhooks:read' },
  'GET /v1/endpoints/:endpointId/messages': { scope: 'webhooks:read' },
  'POST /v1/endpoints/:endpointId/messages/:messageId/replay': { scope: 'webhooks:write' },
  'POST /v1/endpoints/:endpointId/recover': { scope: 'webhooks:write' },
  'GET /v1/endpoints/:endpointId/stats': { scope: 'webhooks:read' },
  'GET /v1/event-types': { scope: 'webhooks:read' },
  'PUT /v1/operational-endpoint': { scope: 'webhooks:write', audit: 'operational_endpoint.put' },
  'GET /v1/operational-endpoint': { scope: 'webhooks:read' },
  'DELETE /v1/operational-endpoint': { scope: 'webhooks:write', audit: 'operational_endpoint.delete' },
  'POST /v1/operational-endpoint/secret/rotate': { scope: 'webhooks:write', audit: 'operational_endpoint.secret.rotate' },
  'GET /v1/operational-endpoint/attempts': { scope: 'webhooks:read' },
  'POST /v1/api-keys': { scope: 'keys:admin', audit: 'api_key.create' },
  'GET /v1/api-keys': { scope: 'keys:admin' },
  'POST /v1/api-keys/:keyId/revoke': { scope: 'keys:admin', audit: 'api_key.revoke' },
  'GET /v1/audit-log': { scope: 'keys:admin' },
};

/** A PATCH that sets `disabled` is recorded as what it mainly does (its other fields are listed too). */
function disablingOrEnabling(body: unknown): string | undefined {
  const disabled = typeof body === 'object' && body !== null ? (body as { disabled?: unknown }).disabled : undefined;
  if (disabled === true) return 'endpoint.disable';
  if (disabled === false) return 'endpoint.enable';
  return undefined;
}
