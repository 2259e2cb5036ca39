import type { AuthEventInput } from '../../../shared/event/auth-event-schema.js';
import { AuthSimulator } from '../../../shared/simulation/auth-simulator.js';

export interface LoginAnswer {
  readonly txid: string;
  readonly status: number;
}

/** Sends `count` simulated logins to the demo auth service, `concurrency` at a time. */
export async function sendLogins(
  authUrl: string,
  options: { count: number; accounts: readonly string[]; concurrency?: number; seed?: number },
): Promise<LoginAnswer[]> {
  const simulator = new AuthSimulator({ accounts: 1, usersPerAccount: 40, seed: options.seed ?? 5 });
  const events: AuthEventInput[] = Array.from({ length: options.count }, (_, index) => simulator.forAccount(options.accounts[index % options.accounts.length]!));
  const answers: LoginAnswer[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: options.concurrency ?? 16 }, async () => {
      while (next < events.length) {
        const event = events[next++]!;
        const response = await fetch(`${authUrl}/v1/logins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            account_id: event.account_id,
            txid: event.txid,
            user: event.user,
            application: event.application,
            access_device: { ip: event.access_device.ip, os: event.access_device.os, browser: event.access_device.browser, location: event.access_device.location },
          }),
        });
        await response.arrayBuffer();
        answers.push({ txid: String(event.txid), status: response.status });
      }
    }),
  );
  return answers;
}

/** Polls `probe` until it returns true, or fails with `what` after `timeoutMs`. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 90_000, intervalMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}
