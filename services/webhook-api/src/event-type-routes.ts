import type { FastifyInstance } from 'fastify';
import { HttpProblem } from '../../../shared/http/http-problem.js';
import { catalogTypes, eventTypeCatalog } from './event-type-catalog.js';

/** `GET /v1/event-types`: the webhook types an endpoint can receive, their schemas and examples. */
export function eventTypeRoutes(app: FastifyInstance): void {
  const catalog = { data: eventTypeCatalog() };
  app.get('/v1/event-types', async () => catalog);
}

/**
 * The type a test event should be: none is the plain `authlog.test` ping; a catalog type sends an
 * example of it. Anything else is 422 naming the field and the known types, so a typo is not
 * silently answered with a ping.
 */
export function testEventType(requested: string | undefined): string | undefined {
  if (requested === undefined) return undefined;
  const known = catalogTypes();
  if (!known.includes(requested)) {
    throw new HttpProblem(422, 'UNKNOWN_EVENT_TYPE', `event_type: one of ${known.join(', ')} (GET /v1/event-types), not ${JSON.stringify(requested.slice(0, 64))}`, { field: 'event_type' });
  }
  return requested;
}
