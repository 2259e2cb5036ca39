import { HttpProblem } from '../../../../shared/http/http-problem.js';
import { ExportLinkError } from '../errors/export-link-error.js';
import { SearchUnavailableError } from '../errors/search-unavailable-error.js';
import { TooManyRequestsError } from '../errors/too-many-requests-error.js';

/**
 * The reports' own errors as answers (shared/http maps the rest): a bad download link is 403, an
 * account over its concurrent exports 429, Elasticsearch out of reach 503 (retry). Codes in
 * docs/http-errors.md.
 */
export function reportsProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof ExportLinkError) return new HttpProblem(403, error.code, error.message);
  if (error instanceof TooManyRequestsError) return new HttpProblem(429, error.code, error.message, { headers: { 'retry-after': '10' } });
  if (error instanceof SearchUnavailableError) return new HttpProblem(503, error.code, 'reports are temporarily unavailable; try again shortly', { headers: { 'retry-after': '5' }, cause: error });
  return undefined;
}
