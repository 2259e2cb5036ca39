import type { Pool } from 'mysql2';

export interface AttemptLogShape {
  readonly endpointId: string;
  readonly accountId: string;
  /** Messages, spread evenly over `days` up to now; each has two attempts (the even ones' first failed). */
  readonly messages: number;
  readonly days: number;
}

const DAY_MS = 86_400_000;
const CHUNK = 5_000;

/**
 * Bulk-loads one endpoint's delivery history straight into webhook_attempts and webhook_messages,
 * the way a restore or a migration of a big account fills them: every 10th message has a
 * webhook_messages row written after its first attempt (failed, then recovered), every 100th one
 * written before it (an API send). Returns the number of attempts written. For tests and benches
 * of the reads over a large log.
 */
export async function loadAttemptLog(pool: Pool, shape: AttemptLogShape): Promise<number> {
  const { endpointId, accountId, messages } = shape;
  const start = Date.now() - shape.days * DAY_MS;
  const step = (shape.days * DAY_MS) / messages;
  const attempts: unknown[][] = [];
  const rows: unknown[][] = [];
  const query = (statement: string, values: unknown[][]) =>
    new Promise<void>((resolve, reject) => pool.query(statement, [values], (error) => (error ? reject(error) : resolve())));
  const flush = async (force: boolean) => {
    if (attempts.length >= CHUNK || (force && attempts.length > 0)) {
      await query('INSERT INTO webhook_attempts (endpoint_id, account_id, message_id, attempt, trigger_type, attempted_at, outcome, status_code, latency_ms) VALUES ?', attempts.splice(0));
    }
    if (rows.length >= CHUNK || (force && rows.length > 0)) {
      await query('INSERT INTO webhook_messages (endpoint_id, message_id, account_id, event_type, body, status, created_at) VALUES ?', rows.splice(0));
    }
  };
  for (let n = 1; n <= messages; n += 1) {
    const messageId = `msg_${String(n).padStart(8, '0')}`;
    const first = new Date(Math.round(start + n * step));
    const failedFirst = n % 2 === 0;
    attempts.push([endpointId, accountId, messageId, 1, 'event', first, failedFirst ? 'failure' : 'success', failedFirst ? 500 : 200, 30]);
    attempts.push([endpointId, accountId, messageId, 2, 'event', new Date(first.getTime() + 5_000), 'success', 200, 25]);
    if (n % 100 === 0) rows.push([endpointId, messageId, accountId, 'authlog.authentication', '{}', 'delivered', new Date(first.getTime() - 1_000)]);
    else if (n % 10 === 0) rows.push([endpointId, messageId, accountId, 'authlog.authentication', '{}', 'delivered', new Date(first.getTime() + 1_000)]);
    await flush(false);
  }
  await flush(true);
  return messages * 2;
}
