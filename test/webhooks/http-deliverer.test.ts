import { afterEach, describe, expect, it } from 'vitest';
import { HttpDeliverer } from '../../services/webhook-dispatcher/src/http-deliverer.js';
import { AddressPolicy } from '../../shared/webhooks/ssrf/address-policy.js';
import { Receiver, type Behaviour } from './support/receiver.js';

const opened: { close(): Promise<void> }[] = [];

async function receiver(behaviour: Behaviour): Promise<Receiver> {
  const started = await Receiver.start(behaviour, '127.0.0.1');
  opened.push(started);
  return started;
}

function deliverer(options: { timeoutMs?: number; connections?: number } = {}): HttpDeliverer {
  const created = new HttpDeliverer({
    policy: new AddressPolicy({ allowHttp: true, allow: ['127.0.0.1/32'] }),
    connectTimeoutMs: 2_000,
    timeoutMs: options.timeoutMs ?? 3_000,
    excerptBytes: 16,
    connectionsPerOrigin: options.connections ?? 4,
  });
  opened.push(created);
  return created;
}

const post = (target: HttpDeliverer, url: string, id = 'msg_1') => target.post(url, { 'webhook-id': id, 'webhook-signature': 'v1,abc' }, '{"type":"authlog.test"}');

afterEach(async () => {
  for (const item of opened.splice(0)) await item.close();
});

describe('HttpDeliverer (undici dispatch with an excerpt handler)', () => {
  it('sends the body and headers, keeps the excerpt, and reuses the connection for short answers', async () => {
    const target = await receiver(() => ({ status: 200, body: 'exactly16bytes!!' }));
    const client = deliverer();
    for (let n = 0; n < 5; n += 1) {
      const result = await post(client, target.url(), `msg_${n}`);
      expect(result).toMatchObject({ ok: true, statusCode: 200, errorCode: null, responseExcerpt: 'exactly16bytes!!' });
    }
    expect(target.received.map((request) => request.headers['webhook-id'])).toEqual(['msg_0', 'msg_1', 'msg_2', 'msg_3', 'msg_4']);
    expect(target.received[0]).toMatchObject({ body: '{"type":"authlog.test"}' });
    expect(target.received[0]!.headers).toMatchObject({ 'content-type': 'application/json', 'webhook-signature': 'v1,abc', 'user-agent': 'authlog-webhooks/1' });
    // Kept alive: undici (request() as well) may open a second one while the first is being released.
    expect(target.connections).toBeLessThanOrEqual(2);
  });

  it('reads Retry-After on 429/503 and names the Location of a redirect it does not follow', async () => {
    const answers: Record<string, string>[] = [{ 'retry-after': '7' }, { location: 'http://169.254.169.254/' }];
    const target = await receiver((_request, n) => ({ status: n === 1 ? 503 : 302, headers: answers[n - 1] ?? {} }));
    const client = deliverer();
    expect(await post(client, target.url())).toMatchObject({ ok: false, statusCode: 503, errorCode: 'http_status', retryAfterMs: 7_000 });
    const redirect = await post(client, target.url());
    expect(redirect).toMatchObject({ ok: false, statusCode: 302, errorCode: 'redirect_not_followed' });
    expect(redirect.error).toContain('http://169.254.169.254/');
    expect(target.received).toHaveLength(2);
  });

  it('times out a request still waiting for a connection as well as the one holding it, at the timeout', async () => {
    const target = await receiver(() => 'hang');
    const client = deliverer({ timeoutMs: 1_000, connections: 1 });
    const started = Date.now();
    const [running, queued] = await Promise.all([post(client, target.url(), 'msg_a'), post(client, target.url(), 'msg_b')]);
    const took = Date.now() - started;
    expect(running).toMatchObject({ ok: false, errorCode: 'timeout' });
    expect(queued).toMatchObject({ ok: false, errorCode: 'timeout' });
    expect(took).toBeGreaterThanOrEqual(1_000);
    // The sweep runs every 100 ms: both end within that of the timeout (plus a loaded machine's delay).
    expect(took).toBeLessThan(1_000 + 100 + 500);
    // The queued one never reached the receiver: it was aborted before a connection took it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(target.received.map((request) => request.headers['webhook-id'])).toEqual(['msg_a']);
  });

  it('reports a refused connection as such', async () => {
    const target = await receiver(() => ({ status: 204 }));
    const url = target.url();
    await target.close();
    expect(await post(deliverer(), url)).toMatchObject({ ok: false, statusCode: null, errorCode: 'connection_refused' });
  });
});
