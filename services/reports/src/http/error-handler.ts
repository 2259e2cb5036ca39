import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '../../../../shared/errors/validation-error.js';
import type { Logger } from '../../../../shared/log/logger.js';
import { ExportLinkError } from '../errors/export-link-error.js';
import { SearchUnavailableError } from '../errors/search-unavailable-error.js';
import { TooManyRequestsError } from '../errors/too-many-requests-error.js';
import { UnauthenticatedError } from '../errors/unauthenticated-error.js';

/** Every error answer has one shape: {error: {code, message, field?}}. */
export function errorBody(code: string, message: string, field?: string) {
  return { error: { code, message, ...(field === undefined ? {} : { field }) } };
}

/**
 * Maps errors to answers by type: the caller's mistakes are 4xx with a stable code (and the field
 * for bad parameters), a search backend outage is 503 (retry), anything else is 500 and logged with
 * the request, without leaking internals to the caller.
 */
export function errorHandler(logger: Logger) {
  return (error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ValidationError) {
      const first = error.issues[0];
      return reply.code(400).send({
        ...errorBody('INVALID_PARAMETER', `${first?.field}: ${first?.expected}`, first?.field),
        issues: error.issues,
      });
    }
    if (error instanceof UnauthenticatedError) return reply.code(401).header('www-authenticate', 'Bearer').send(errorBody(error.code, error.message));
    if (error instanceof ExportLinkError) return reply.code(403).send(errorBody(error.code, error.message));
    if (error instanceof TooManyRequestsError) return reply.code(429).header('retry-after', '10').send(errorBody(error.code, error.message));
    if (error instanceof SearchUnavailableError) {
      logger.warn({ err: error, route: request.routeOptions.url }, 'search backend unavailable');
      return reply.code(503).header('retry-after', '5').send(errorBody(error.code, 'reports are temporarily unavailable; try again shortly'));
    }
    const status = (error as FastifyError).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply.code(status).send(errorBody((error as FastifyError).code ?? 'BAD_REQUEST', error.message));
    }
    logger.error({ err: error, method: request.method, url: request.routeOptions.url }, 'request failed');
    return reply.code(500).send(errorBody('INTERNAL', 'internal error'));
  };
}
