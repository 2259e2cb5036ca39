import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AuthlogDatabase } from '../../../shared/db/database.js';
import type { AuthEventInput } from '../../../shared/event/auth-event-schema.js';
import type { OutboxWriter, RecordResult } from '../../../shared/outbox/outbox-writer.js';
import type { TraceContext } from '../../../shared/outbox/trace-context.js';
import type { SeededRandom } from '../../../shared/simulation/random.js';
import { simulateDecision } from '../../../shared/simulation/simulate-decision.js';
import type { LoginRequest } from './login-request.js';
import { LoginAbortedError } from './login-aborted-error.js';

export interface LoginAnswer {
  readonly txid: string;
  readonly result: AuthEventInput['result'];
  readonly reason: AuthEventInput['reason'];
  readonly factor: AuthEventInput['factor'];
  /** `duplicate` when this txid was answered before (a client retry). */
  readonly recorded: RecordResult['status'];
}

/**
 * One login, the way an auth service should use the library: decide, record, and answer only once
 * the record is committed. The plain path lets the library open its own transaction (one round
 * trip); `simulate: rollback` shows the other way, recording inside the service's own transaction,
 * which then fails: the login is refused and nothing of it reaches the outbox.
 */
export async function handleLogin(
  request: LoginRequest,
  deps: { writer: OutboxWriter; db: Kysely<AuthlogDatabase>; random: SeededRandom; now: () => Date },
  trace: TraceContext,
): Promise<LoginAnswer> {
  const decision = simulateDecision(deps.random);
  const factor = request.factor ?? decision.factor;
  const event: AuthEventInput = {
    account_id: request.account_id,
    txid: request.txid ?? randomUUID(),
    timestamp: deps.now(),
    event_type: 'authentication',
    result: decision.result,
    reason: decision.reason,
    factor,
    user: request.user,
    application: request.application,
    access_device: { ...request.access_device, location: { city: null, state: null, country: null, ...request.access_device.location } },
    ood_software: decision.reason === 'out_of_date' ? `${request.access_device.browser ?? 'Chrome'} ${request.access_device.browser_version ?? '118.0'}` : null,
  };
  if (request.simulate === 'rollback') {
    await deps.db.transaction().execute(async (trx) => {
      await deps.writer.recordIn(trx, event, trace);
      throw new LoginAbortedError(String(event.txid));
    });
  }
  const recorded = await deps.writer.record(event, trace);
  return { txid: recorded.txid, result: event.result, reason: event.reason, factor, recorded: recorded.status };
}
