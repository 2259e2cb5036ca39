import { z } from 'zod';
import { EVENT_TYPES, FACTORS, REASONS, RESULTS } from '../../../../shared/event/vocabulary.js';
import { EXPORT_FORMATS } from '../auth-log/export-stream.js';
import { BREAKDOWN_DIMENSIONS } from '../reports/breakdown-report.js';
import { INTERVALS } from '../reports/volume-interval.js';
import { booleanFlag, boundedInt, enumList, identifierList, ipList, oneOf, single } from './query-fields.js';

/**
 * The query parameters of each endpoint. There is deliberately no parameter for the account: it is
 * the API key's, added by the server. Values are data for term/terms/range queries, never query syntax.
 */
const range = { from: single.optional(), to: single.optional(), tz: single.optional() };

const filters = {
  users: identifierList('user key').optional(),
  applications: identifierList('application key').optional(),
  results: enumList(RESULTS, 'results').optional(),
  reasons: enumList(REASONS, 'reasons').optional(),
  factors: enumList(FACTORS, 'factors').optional(),
  event_types: enumList(EVENT_TYPES, 'event types').optional(),
  ip: ipList().optional(),
};

const sort = oneOf(['timestamp:desc', 'timestamp:asc']).optional();

export const distinctUsersParams = z
  .object({ ...range, day: single.optional(), exact: booleanFlag.optional(), users: filters.users, applications: filters.applications, factors: filters.factors, ip: filters.ip })
  .strict();

export const outOfDateParams = z
  .object({ ...range, exact: booleanFlag.optional(), top: boundedInt(1, 50).optional(), users: filters.users, applications: filters.applications, ip: filters.ip })
  .strict();

export const volumeParams = z.object({ ...range, ...filters, interval: oneOf(['auto', ...INTERVALS]).optional() }).strict();

export const breakdownParams = z.object({ ...range, ...filters, by: oneOf(BREAKDOWN_DIMENSIONS), top: boundedInt(1, 50).optional() }).strict();

export const logParams = (maxLimit: number) =>
  z.object({ ...range, ...filters, sort, limit: boundedInt(1, maxLimit).optional(), cursor: single.optional() }).strict();

export const exportParams = z.object({ ...range, ...filters, sort, format: oneOf(EXPORT_FORMATS).optional() }).strict();

export const noParams = z.object({}).strict();

export type FilterParams = { [K in keyof typeof filters]?: z.infer<(typeof filters)[K]> };
export type RangeParams = { from?: string | undefined; to?: string | undefined; tz?: string | undefined; day?: string | undefined };
