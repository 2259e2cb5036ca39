import type { FastifyRequest } from 'fastify';
import { bearerToken, type ApiKeyStore, type Caller } from '../../../../shared/auth/api-key-store.js';
import { UnauthenticatedError } from '../errors/unauthenticated-error.js';

const callers = new WeakMap<FastifyRequest, Caller>();

/** preHandler for /v1: resolves `Authorization: Bearer alk_...` to the caller, or answers 401. */
export function authenticateWith(apiKeys: ApiKeyStore) {
  return async (request: FastifyRequest): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    const caller = token === undefined ? undefined : await apiKeys.authenticate(token);
    if (caller === undefined) throw new UnauthenticatedError();
    callers.set(request, caller);
  };
}

/** The authenticated caller of a /v1 request (set by the preHandler, so always present there). */
export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (caller === undefined) throw new UnauthenticatedError();
  return caller;
}
