import type { RoutePolicies } from '../../../../shared/http/route-policy.js';

/**
 * The scope each keyed route of the reports API needs (shared/http/route-policy.ts): all of them
 * read the account's auth log or what it became, hence `logs:read`. The API changes nothing, so
 * nothing here is audited. A /v1 route registered without a line here stops the API at start.
 */
export const reportsPolicies: RoutePolicies = {
  'GET /v1/reports/distinct-users': { scope: 'logs:read' },
  'GET /v1/reports/out-of-date': { scope: 'logs:read' },
  'GET /v1/reports/volume': { scope: 'logs:read' },
  'GET /v1/reports/breakdown': { scope: 'logs:read' },
  'GET /v1/logs': { scope: 'logs:read' },
  'GET /v1/logs/export': { scope: 'logs:read' },
  'POST /v1/logs/export-links': { scope: 'logs:read' },
  'GET /v1/account': { scope: 'logs:read' },
  'GET /v1/freshness': { scope: 'logs:read' },
  'GET /v1/events/:txid/trace': { scope: 'logs:read' },
  'GET /v1/completeness': { scope: 'logs:read' },
};
