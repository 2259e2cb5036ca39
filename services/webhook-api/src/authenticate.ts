import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, type ApiKeyStore, type Caller } from '../../../shared/auth/api-key-store.js';
import { errorBody } from './api-errors.js';

const callers = new WeakMap<FastifyRequest, Caller>();

/**
 * onRequest hook: `Authorization: Bearer alk_...` must name a live API key; the key's account is
 * the only one the request can read or change (every handler scopes by callerOf(request)).
 */
export function authenticate(apiKeys: ApiKeyStore) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request.headers.authorization);
    const caller = token === undefined ? undefined : await apiKeys.authenticate(token);
    if (caller === undefined) {
      await reply
        .code(401)
        .header('www-authenticate', 'Bearer')
        .send(errorBody('unauthorized', token === undefined ? 'send Authorization: Bearer <API key>' : 'unknown or revoked API key'));
      return;
    }
    callers.set(request, caller);
  };
}

export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (caller === undefined) throw new Error('route registered without the authenticate hook');
  return caller;
}
