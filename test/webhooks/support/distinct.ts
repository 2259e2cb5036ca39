import type { Receiver } from './receiver.js';

/** Resolves once the receiver has seen every expected webhook-id at least once; returns the duplicate count. */
export async function waitForAll(receiver: Receiver, expected: readonly string[], timeoutMs: number): Promise<{ duplicates: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = new Set(receiver.received.map((request) => String(request.headers['webhook-id'])));
    const missing = expected.filter((id) => !seen.has(id));
    if (missing.length === 0) return { duplicates: receiver.received.length - seen.size };
    if (Date.now() > deadline) throw new Error(`${missing.length} of ${expected.length} messages never arrived (e.g. ${missing.slice(0, 3).join(', ')})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
