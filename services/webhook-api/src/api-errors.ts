import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../../shared/log/logger.js';
import { ValidationError } from '../../../shared/errors/validation-error.js';
import { EndpointNotFoundError } from '../../../shared/webhooks/errors/endpoint-not-found-error.js';
import { ApiProblem } from './api-problem.js';

/** Body of every error answer: a stable code, the offending field when there is one, and words. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly field?: string; readonly message: string };
}

export function errorBody(code: string, message: string, field?: string): ErrorBody {
  return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

/**
 * Maps what handlers throw to answers: bad input 400 naming the field, unknown (or foreign) ids
 * 404, our own ApiProblems as they say, Fastify's body errors as 400/413; anything else is a 500
 * that is logged with its stack and answered without details.
 */
export function errorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ValidationError) {
      const issue = error.issues[0];
      return reply.code(400).send(errorBody('validation_failed', issue === undefined ? error.message : `${issue.field}: ${issue.expected}`, error.field));
    }
    if (error instanceof EndpointNotFoundError) return reply.code(404).send(errorBody('not_found', 'no such endpoint'));
    if (error instanceof ApiProblem) return reply.code(error.status).send(errorBody(error.problem, error.message, error.field));
    const status = (error as FastifyError).statusCode;
    if (status === 413) return reply.code(413).send(errorBody('body_too_large', error.message));
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(400).send(errorBody('invalid_request', error.message, (error as FastifyError).code?.startsWith('FST_ERR_CTP') ? '(body)' : undefined));
    }
    logger.error({ err: error, method: request.method, url: request.url }, 'webhook API request failed');
    return reply.code(500).send(errorBody('internal', 'internal error; try again'));
  };
}
