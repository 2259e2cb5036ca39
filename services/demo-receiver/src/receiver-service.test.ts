import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../shared/log/logger.js';
import { ReceiverService } from './receiver-service.js';
import { loadDemoReceiverSettings } from './demo-receiver-settings.js';

const receiver = () => new ReceiverService(loadDemoReceiverSettings({ RECEIVER_PORT: '0' }), silentLogger, new Registry());

describe('demo receiver lifecycle', () => {
  it('stops a hanging request at once, and a second stop is the same stop', async () => {
    const service = receiver();
    await service.start();
    await fetch(`http://127.0.0.1:${service.port}/control`, { method: 'POST', body: JSON.stringify({ mode: 'hang', forMs: 60_000 }) });
    const hanging = fetch(`http://127.0.0.1:${service.port}/`, { method: 'POST', body: '{}' }).catch((error: unknown) => error);
    await new Promise((done) => setTimeout(done, 100));
    const first = service.stop();
    expect(service.stop()).toBe(first);
    await first;
    expect(await hanging).toBeInstanceOf(Error);
  });

  it('a stop after a start that never listened (port taken) resolves: there is nothing to close', async () => {
    const holder = receiver();
    await holder.start();
    const second = new ReceiverService(loadDemoReceiverSettings({ RECEIVER_PORT: String(holder.port) }), silentLogger, new Registry());
    await expect(second.start()).rejects.toThrow(/EADDRINUSE/);
    await expect(second.stop()).resolves.toBeUndefined();
    await holder.stop();
  });
});
