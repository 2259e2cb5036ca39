import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../testing/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { startApi } from './support/api-client.js';
import { Receiver } from './support/receiver.js';
import { WebhookFixture } from './support/webhook-fixture.js';

let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;
const receivers: Receiver[] = [];

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  await fixture.startDispatcher();
  api = await startApi(fixture);
});

afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
  for (const receiver of receivers) await receiver.close();
});

const device = (ip: string | null) => ({ ...sampleEvent().access_device, ip });

describe('endpoint filters by user, group and IP (through the API and the dispatcher)', () => {
  it('each endpoint receives exactly the events its users, groups and ip filters match', async () => {
    const customer = await api.customer(uniqueName('acct'));
    const filters = {
      users: { users: ['DU-ada', 'DU-bob'] },
      groups: { groups: ['admins'] },
      v4block: { ip: ['10.20.0.0/16'] },
      v6block: { ip: ['2001:db8:aa::/48', '192.0.2.1'] },
      combined: { users: ['DU-ada'], ip: ['10.20.0.0/16'], results: ['denied'] },
    };
    const ids = new Map<string, string>();
    for (const [name, filter] of Object.entries(filters)) {
      const receiver = await Receiver.start();
      receivers.push(receiver);
      const created = await customer.call('POST', '/v1/endpoints', { url: receiver.url(`/${name}`), filters: filter });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      expect(created.body.filters).toMatchObject({ users: [], groups: [], ip: [], ...filter });
      ids.set(name, created.body.id);
    }
    const events = await fixture.produce([
      sampleEvent({ account_id: customer.accountId, user: { key: 'DU-ada', name: 'ada', groups: ['engineering'] }, access_device: device('10.20.3.4'), result: 'denied', reason: 'locked_out' }),
      sampleEvent({ account_id: customer.accountId, user: { key: 'DU-bob', name: 'bob', groups: ['admins', 'finance'] }, access_device: device('2001:db8:aa:1::9') }),
      sampleEvent({ account_id: customer.accountId, user: { key: 'DU-eve', name: 'eve', groups: [] }, access_device: device('192.0.2.1') }),
      sampleEvent({ account_id: customer.accountId, user: { key: 'DU-ada', name: 'ada', groups: ['engineering'] }, access_device: device(null) }),
      sampleEvent({ account_id: customer.accountId, user: { key: 'DU-mal', name: 'mal', groups: ['Admins'] }, access_device: device('10.21.0.1') }),
    ]);
    const [adaDenied, bob, eve, adaNoIp] = events.map((event) => event.txid);
    const expected: Record<string, (string | undefined)[]> = {
      users: [adaDenied, bob, adaNoIp],
      groups: [bob],
      v4block: [adaDenied],
      v6block: [bob, eve],
      combined: [adaDenied],
    };
    const delivered = async (endpointId: string) =>
      (await fixture.db.selectFrom('webhook_attempts').select('message_id').where('endpoint_id', '=', endpointId).where('outcome', '=', 'success').execute()).map((row) => row.message_id).sort();
    for (const [name, txids] of Object.entries(expected)) {
      await expect.poll(() => delivered(ids.get(name)!), { timeout: 15_000 }).toEqual([...txids].sort());
    }
    // Nothing else arrives later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    for (const [name, txids] of Object.entries(expected)) expect(await delivered(ids.get(name)!), name).toEqual([...txids].sort());
  });

  it('refuses a malformed user, group or IP filter with a 400 naming it', async () => {
    const customer = await api.customer(uniqueName('acct'));
    for (const [filters, field] of [
      [{ ip: ['10.0.0.0/33'] }, 'filters.ip.0'],
      [{ users: ['bad key'] }, 'filters.users.0'],
      [{ groups: [''] }, 'filters.groups.0'],
    ] as const) {
      const answer = await customer.call('POST', '/v1/endpoints', { url: 'http://127.0.0.1:9/hook', filters });
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe(field);
    }
  });
});
