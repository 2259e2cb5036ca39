import type { ApiKeyRecord } from '../../../../shared/auth/api-key-management.js';
import type { AuditEntry } from '../../../../shared/audit/audit-log-store.js';
import type { ApiKeyView, AuditEntryView } from './key-schemas.js';

export function apiKeyView(key: ApiKeyRecord): ApiKeyView {
  return { id: key.keyId, name: key.name, scopes: [...key.scopes], created_at: key.createdAt.toISOString(), revoked_at: key.revokedAt?.toISOString() ?? null };
}

export function auditEntryView(entry: AuditEntry): AuditEntryView {
  return {
    id: entry.id,
    occurred_at: entry.occurredAt.toISOString(),
    key_id: entry.keyId,
    action: entry.action,
    method: entry.method,
    route: entry.route,
    target_id: entry.targetId,
    fields: [...entry.fields],
    status: entry.status,
    error_code: entry.errorCode,
  };
}
