import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { requirePolicies, routeKey } from './route-policy.js';

describe('route policies', () => {
  it('stop an app that registers a keyed route without a scope, and leave public routes alone', () => {
    const app = Fastify({ logger: false });
    requirePolicies(app, { 'GET /v1/things': { scope: 'webhooks:read' } }, (path) => path.startsWith('/v1/'));
    expect(() => app.get('/v1/things', async () => 'ok')).not.toThrow();
    expect(() => app.get('/openapi.json', async () => 'ok')).not.toThrow();
    expect(() => app.post('/v1/things', async () => 'ok')).toThrow('POST /v1/things needs an API key but has no scope');
  });

  it('key HEAD like the GET it mirrors', () => {
    expect(routeKey('HEAD', '/v1/x')).toBe('GET /v1/x');
  });
});
