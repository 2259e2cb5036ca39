import { request, type Dispatcher } from 'undici';
import type { AuthEventInput } from '../../../shared/event/auth-event-schema.js';
import { backoffDelay } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';

export type LoginOutcome = 'recorded' | 'duplicate' | 'aborted' | 'rejected' | 'gave-up';

/**
 * Sends one simulated login to the demo auth service the way a careful client does: a lost answer
 * or a 503 is retried with the same txid (the service answers "duplicate" if it had committed), so
 * an outage delays logins but never records one twice. A deliberate rollback (LOGIN_ABORTED) is
 * not retried: that login did not happen.
 */
export class LoginClient {
  constructor(
    private readonly targetUrl: string,
    private readonly dispatcher: Dispatcher,
    private readonly maxAttempts = 30,
  ) {}

  async send(event: AuthEventInput, options: { rollback: boolean; signal: AbortSignal }): Promise<LoginOutcome> {
    const body = JSON.stringify({
      account_id: event.account_id,
      txid: event.txid,
      user: event.user,
      application: event.application,
      access_device: {
        ip: event.access_device.ip,
        os: event.access_device.os,
        os_version: event.access_device.os_version,
        browser: event.access_device.browser,
        browser_version: event.access_device.browser_version,
        location: event.access_device.location,
      },
      ...(options.rollback ? { simulate: 'rollback' } : {}),
    });
    for (let attempt = 0; attempt < this.maxAttempts; attempt += 1) {
      try {
        const response = await request(`${this.targetUrl}/v1/logins`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          dispatcher: this.dispatcher,
          headersTimeout: 10_000,
          bodyTimeout: 10_000,
        });
        const answer = (await response.body.json()) as { recorded?: 'recorded' | 'duplicate'; error?: { code?: string } };
        if (response.statusCode === 201 || response.statusCode === 200) return answer.recorded ?? 'recorded';
        if (answer.error?.code === 'LOGIN_ABORTED') return 'aborted';
        if (response.statusCode >= 400 && response.statusCode < 500) return 'rejected';
      } catch {
        // connection refused or reset: the service is restarting; retry below
      }
      if (options.signal.aborted) return 'gave-up';
      await sleep(backoffDelay(attempt, { initialMs: 100, maxMs: 5_000, factor: 2 }), options.signal);
    }
    return 'gave-up';
  }
}
