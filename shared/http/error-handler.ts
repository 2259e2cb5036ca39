import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';
import { toFieldIssues } from '../event/parse-auth-event.js';
import type { Logger } from '../log/logger.js';
import { errorBody } from './error-body.js';
import { HttpProblem } from './http-problem.js';

/** A service's own errors as problems (e.g. reports: an Elasticsearch outage is a 503). */
export type ProblemMapper = (error: unknown, request: FastifyRequest) => HttpProblem | undefined;

/**
 * One mapping from what handlers throw to answers, for every API: bad input 400 VALIDATION_FAILED
 * naming the field, HttpProblems as they say, Fastify's own client errors (body too large, bad
 * JSON, bad content type) as 4xx, anything else 500 INTERNAL, logged with its stack and answered
 * without details.
 */
export function httpErrorHandler(logger: Logger, mapProblem: ProblemMapper = () => undefined) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const validation = error instanceof z.ZodError ? new ValidationError(toFieldIssues(error.issues)) : error;
    if (validation instanceof ValidationError) {
      const first = validation.issues[0];
      const message = first === undefined ? validation.message : `${first.field}: ${first.expected}`;
      return reply.code(400).send(errorBody('VALIDATION_FAILED', message, { field: validation.field, issues: validation.issues }));
    }
    const problem = error instanceof HttpProblem ? error : mapProblem(error, request);
    if (problem !== undefined) {
      if (problem.status >= 500) logger.warn({ err: error, route: request.routeOptions.url }, 'request refused by a dependency');
      for (const [name, value] of Object.entries(problem.options.headers ?? {})) void reply.header(name, value);
      return reply.code(problem.status).send(errorBody(problem.code, problem.message, { ...(problem.options.field === undefined ? {} : { field: problem.options.field }), retryable: problem.options.retryable }));
    }
    const status = (error as FastifyError).statusCode;
    if (status === 413) return reply.code(413).send(errorBody('BODY_TOO_LARGE', error.message));
    if (status !== undefined && status >= 400 && status < 500) {
      const inBody = (error as FastifyError).code?.startsWith('FST_ERR_CTP') === true;
      return reply.code(status === 415 ? 415 : 400).send(errorBody('BAD_REQUEST', error.message, inBody ? { field: '(body)' } : {}));
    }
    logger.error({ err: error, method: request.method, route: request.routeOptions.url }, 'request failed');
    return reply.code(500).send(errorBody('INTERNAL', 'internal error; try again'));
  };
}

/** The answer to a route nobody registered. */
export function notFoundHandler(_request: FastifyRequest, reply: FastifyReply) {
  return reply.code(404).send(errorBody('NOT_FOUND', 'no such route'));
}
