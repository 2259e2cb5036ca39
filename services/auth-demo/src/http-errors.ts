import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { AuthlogError } from '../../../shared/errors/authlog-error.js';
import { ValidationError } from '../../../shared/errors/validation-error.js';
import { toFieldIssues } from '../../../shared/event/parse-auth-event.js';
import { IdempotencyConflictError } from '../../../shared/outbox/idempotency-conflict-error.js';
import { LoginAbortedError } from './login-aborted-error.js';

/** Our errors as HTTP answers: {error: {code, field?, message}}; anything unexpected is a 503. */
export function sendError(reply: FastifyReply, error: unknown): FastifyReply {
  if (error instanceof z.ZodError) return sendError(reply, new ValidationError(toFieldIssues(error.issues)));
  if (error instanceof ValidationError) {
    return reply.code(400).send({ error: { code: error.code, field: error.field, message: error.message, issues: error.issues } });
  }
  if (error instanceof IdempotencyConflictError) return reply.code(409).send({ error: { code: error.code, field: 'txid', message: error.message } });
  if (error instanceof LoginAbortedError) return reply.code(503).send({ error: { code: error.code, message: error.message, retryable: true } });
  const code = error instanceof AuthlogError ? error.code : 'UNAVAILABLE';
  return reply.code(503).send({ error: { code, message: 'the login could not be recorded; retry with the same txid', retryable: true } });
}
