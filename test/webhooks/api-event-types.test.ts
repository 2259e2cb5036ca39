import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authEventSchema } from '../../shared/event/auth-event-schema.js';
import { eventTypeSchemas } from '../../shared/event/event-json-schema.js';
import { parseAuthEvent } from '../../shared/event/parse-auth-event.js';
import { EVENT_TYPES } from '../../shared/event/vocabulary.js';
import { MessageStore } from '../../shared/webhooks/message-store.js';
import { uniqueName } from '../support/unique-name.js';
import { startApi } from './support/api-client.js';
import { WebhookFixture } from './support/webhook-fixture.js';

/**
 * Issue 16, event-type catalog: GET /v1/event-types serves the generated schemas (the files of
 * schemas/, byte for byte as JSON) with examples the model's own zod schema accepts, and
 * POST /v1/endpoints/:id/test sends an example of a chosen type, against MySQL and Redis.
 */
let fixture: WebhookFixture;
let api: Awaited<ReturnType<typeof startApi>>;
beforeAll(async () => {
  fixture = await WebhookFixture.create();
  api = await startApi(fixture, { WEBHOOK_REDIS_PREFIX: uniqueName('types') }, async () => ['93.184.216.34']);
});
afterAll(async () => {
  await api?.stop();
  await fixture?.cleanup();
});

describe('GET /v1/event-types', () => {
  it('lists every event type of the model with its generated schema, version, description and a valid example', async () => {
    const customer = await api.customer(uniqueName('catalog'));
    const answer = await customer.call('GET', '/v1/event-types');
    expect(answer.status).toBe(200);
    const published = eventTypeSchemas();
    expect(answer.body.data.map((entry: { event_type: string }) => entry.event_type)).toEqual([...EVENT_TYPES]);
    for (const [index, entry] of (answer.body.data as Record<string, any>[]).entries()) {
      const schema = published[index]!;
      expect(entry.type).toBe(schema.ceType);
      expect(entry.schema_version).toBe(schema.version);
      expect(entry.schema).toEqual(schema.schema);
      // The committed contract file, so the catalog and schemas/ cannot say different things.
      expect(entry.schema).toEqual(JSON.parse(await readFile(new URL(`../../schemas/${schema.fileName}`, import.meta.url), 'utf8')));
      expect(entry.description.length).toBeGreaterThan(20);
      expect(entry.example.type).toBe(schema.ceType);
      expect(entry.example.data.event_type).toBe(schema.eventType);
      expect(entry.example.timestamp).toBe(entry.example.data.timestamp);
      // The example is what the relay would publish: the zod schema accepts it and changes nothing.
      expect(authEventSchema.safeParse(entry.example.data).success).toBe(true);
      expect(parseAuthEvent(entry.example.data)).toEqual(entry.example.data);
    }
  });

  it('needs an API key like every /v1 route', async () => {
    expect((await api.anonymous().call('GET', '/v1/event-types')).status).toBe(401);
  });
});

describe('POST /v1/endpoints/:id/test with event_type', () => {
  it('sends an example of the chosen type for the caller account, and the plain ping without one', async () => {
    const customer = await api.customer(uniqueName('example'));
    const id = (await customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/types' })).body.id as string;
    const messages = new MessageStore(fixture.db);

    const typed = await customer.call('POST', `/v1/endpoints/${id}/test`, { event_type: 'authlog.enrollment' });
    expect(typed.status).toBe(202);
    const row = await messages.find(customer.accountId, id, typed.body.message_id);
    expect(row?.event_type).toBe('authlog.enrollment');
    const body = JSON.parse(row!.body);
    expect(body.type).toBe('authlog.enrollment');
    expect(parseAuthEvent(body.data)).toEqual(body.data);
    expect(body.data.account_id).toBe(customer.accountId);
    expect(body.data.event_type).toBe('enrollment');

    const ping = await customer.call('POST', `/v1/endpoints/${id}/test`);
    expect(ping.status).toBe(202);
    expect((await messages.find(customer.accountId, id, ping.body.message_id))?.event_type).toBe('authlog.test');
  });

  it('refuses an unknown type with 422 naming the field and listing the known ones', async () => {
    const customer = await api.customer(uniqueName('unknown'));
    const id = (await customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/unknown' })).body.id as string;
    const answer = await customer.call('POST', `/v1/endpoints/${id}/test`, { event_type: 'authlog.logout' });
    expect(answer.status).toBe(422);
    expect(answer.body.error).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', field: 'event_type' });
    expect(answer.body.error.message).toContain('authlog.authentication, authlog.enrollment');
    const wrongShape = await customer.call('POST', `/v1/endpoints/${id}/test`, { event_type: 5 });
    expect(wrongShape.status).toBe(400);
    expect(wrongShape.body.error.field).toBe('event_type');
  });
});
