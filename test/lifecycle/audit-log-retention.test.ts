import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log/logger.js';
import { AuditLogRetentionJob } from '../../services/lifecycle/src/jobs/audit-log-retention-job.js';
import type { AuditLogDatabase } from '../../shared/audit/audit-log-table.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

const DAY_MS = 86_400_000;

describe('audit log retention job (shortened clock)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database?.drop());

  it('deletes entries older than the retention in chunks, keeps the rest', async () => {
    const now = new Date('2027-06-01T00:00:00Z');
    const ages = [400, 370, 366, 364, 10, 0];
    for (const [n, days] of ages.entries()) {
      await sql`INSERT INTO audit_log (account_id, occurred_at, key_id, action, method, route, fields) VALUES (${`acct${n % 2}`}, ${new Date(now.getTime() - days * DAY_MS)}, 'k', 'endpoint.create', 'POST', '/v1/endpoints', '[]')`.execute(database.db);
    }
    const job = new AuditLogRetentionJob(database.db.withTables<AuditLogDatabase>(), { retentionDays: 365, chunk: 2, pauseMs: 1 }, silentLogger);
    const report = await job.run(now, new AbortController().signal);
    expect(report).toMatchObject({ status: 'ok', removed: 3 });
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM audit_log`.execute(database.db);
    expect(Number(rows[0]?.n)).toBe(3);
    expect((await job.run(now, new AbortController().signal)).removed).toBe(0);
  });
});
