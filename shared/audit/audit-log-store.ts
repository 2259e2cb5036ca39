import type { Kysely } from 'kysely';
import type { AuditLogDatabase } from './audit-log-table.js';

/** What an entry says: who (the key), what (action, route, target, field names) and, once answered, the status. */
export interface AuditEntryInput {
  readonly accountId: string;
  readonly keyId: string;
  readonly action: string;
  readonly method: string;
  readonly route: string;
  readonly targetId: string | null;
  readonly fields: readonly string[];
}

export interface AuditEntry extends AuditEntryInput {
  readonly id: string;
  readonly occurredAt: Date;
  readonly status: number | null;
  readonly errorCode: string | null;
}

export interface AuditOutcome {
  readonly status: number;
  readonly errorCode: string | null;
  readonly targetId: string | null;
}

/** The audit log in MySQL (migrations/2026-12-08-52-audit-log.ts). Reads always carry the account. */
export class AuditLogStore {
  constructor(private readonly db: Kysely<AuditLogDatabase>) {}

  /** Writes the entry before the change runs (status unknown yet); its id completes it. */
  async begin(entry: AuditEntryInput): Promise<string> {
    const result = await this.db.insertInto('audit_log').values(row(entry, null)).executeTakeFirstOrThrow();
    return String(result.insertId);
  }

  async complete(id: string, outcome: AuditOutcome): Promise<void> {
    await this.db
      .updateTable('audit_log')
      .set({ status: outcome.status, error_code: outcome.errorCode, ...(outcome.targetId === null ? {} : { target_id: outcome.targetId }) })
      .where('id', '=', id)
      .execute();
  }

  /** An entry whose outcome is known at once (a request refused before it could change anything). */
  async record(entry: AuditEntryInput, outcome: Omit<AuditOutcome, 'targetId'>): Promise<void> {
    await this.db.insertInto('audit_log').values(row(entry, outcome)).execute();
  }

  /** The account's entries, newest first, `limit` older than the entry `before`. */
  async list(accountId: string, page: { limit: number; before?: string | undefined }): Promise<AuditEntry[]> {
    let query = this.db.selectFrom('audit_log').selectAll().where('account_id', '=', accountId).orderBy('id', 'desc').limit(page.limit);
    if (page.before !== undefined) query = query.where('id', '<', page.before);
    const rows = await query.execute();
    return rows.map((found) => ({
      id: String(found.id),
      occurredAt: found.occurred_at,
      accountId: found.account_id,
      keyId: found.key_id,
      action: found.action,
      method: found.method,
      route: found.route,
      targetId: found.target_id,
      fields: JSON.parse(found.fields) as string[],
      status: found.status,
      errorCode: found.error_code,
    }));
  }
}

function row(entry: AuditEntryInput, outcome: Omit<AuditOutcome, 'targetId'> | null) {
  return {
    account_id: entry.accountId,
    key_id: entry.keyId,
    action: entry.action,
    method: entry.method,
    route: entry.route,
    target_id: entry.targetId,
    fields: JSON.stringify(entry.fields),
    status: outcome?.status ?? null,
    error_code: outcome?.errorCode ?? null,
  };
}
