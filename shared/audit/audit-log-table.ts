import type { ColumnType, Generated } from 'kysely';

/** migrations/2026-12-08-52-audit-log.ts */
export interface AuditLogTable {
  id: Generated<string>;
  account_id: string;
  occurred_at: ColumnType<Date, never, never>;
  key_id: string;
  action: string;
  method: string;
  route: string;
  target_id: string | null;
  /** JSON array of the names of the fields sent (dotted one level down), never their values. */
  fields: string;
  /** The answer's status; NULL while the request runs, and for ever if the instance died meanwhile. */
  status: number | null;
  error_code: string | null;
}

export type AuditLogDatabase = {
  audit_log: AuditLogTable;
}
