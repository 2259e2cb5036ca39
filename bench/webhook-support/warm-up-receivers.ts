import { Agent } from 'undici';
import type { BenchReceivers } from './bench-receivers.js';

/**
 * Sends `requests` POSTs (spread over the receivers, `concurrency` at a time) from this process and
 * then forgets them: the receivers run in the bench process, and whichever phase came first used to
 * pay their JIT warm-up (the bare loop's preloaded phase, always first), the phase after it not.
 */
export async function warmUpReceivers(receivers: BenchReceivers, requests: number, concurrency = 64): Promise<void> {
  const agent = new Agent({ connections: 16 });
  const body = JSON.stringify({ type: 'warm-up', data: 'x'.repeat(1_200) });
  let next = 0;
  const worker = async () => {
    while (next < requests) {
      const n = next++;
      const port = receivers.ports[n % receivers.ports.length]!;
      const response = await agent.request({ origin: `http://127.0.0.1:${port}`, path: '/warm-up', method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': `warm-${n}` }, body });
      await response.body.dump();
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await agent.close();
  }
  receivers.reset();
}
