import type { FastifyInstance } from 'fastify';

export interface RegisteredRoute {
  readonly method: string;
  readonly path: string;
}

const recorded = new WeakMap<FastifyInstance, RegisteredRoute[]>();

/**
 * Records every route registered on `app` from now on (call it before the routes), so a test can
 * hold them against the OpenAPI document. HEAD is left out: Fastify adds one beside each GET (the
 * GET's answer without a body), and our APIs register none of their own.
 */
export function recordRoutes(app: FastifyInstance): void {
  const routes: RegisteredRoute[] = [];
  recorded.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue;
      routes.push({ method, path: route.url });
    }
  });
}

/** What `recordRoutes` saw, in registration order. */
export function registeredRoutes(app: FastifyInstance): readonly RegisteredRoute[] {
  const routes = recorded.get(app);
  if (routes === undefined) throw new Error('recordRoutes(app) was not called before the routes were registered');
  return routes;
}
