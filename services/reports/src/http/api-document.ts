import { z } from 'zod';
import type { ApiOperation, ApiResponse } from '../../../../shared/http/openapi/api-operation.js';
import type { JsonObject } from '../../../../shared/http/openapi/json-schema-of.js';
import { openApiDocument } from '../../../../shared/http/openapi/openapi-document.js';
import { openApiOperation } from '../../../../shared/http/openapi/openapi-route.js';
import { breakdownParams, distinctUsersParams, exportParams, logParams, noParams, outOfDateParams, volumeParams } from '../params/endpoint-params.js';
import { completenessParams } from './completeness-routes.js';
import * as answers from './response-schemas.js';
import { TXID } from './trace-routes.js';
import { reportsPolicies } from './route-policies.js';

const searchDown: ApiResponse = { description: 'Elasticsearch did not answer: retry after Retry-After', errors: ['SEARCH_UNAVAILABLE'], headers: { 'Retry-After': 'seconds to wait' } };
const busy: ApiResponse = { description: 'the account already runs its concurrent exports or exact counts', errors: ['TOO_MANY_REQUESTS'], headers: { 'Retry-After': 'seconds to wait' } };
const exportFile: ApiResponse = { description: 'the auth log as a file, streamed (Content-Disposition: attachment)', contentTypes: ['text/csv', 'application/x-ndjson'] };
const notModified: ApiResponse = { description: 'the copy the browser has (If-None-Match) is current' };
const report = (summary: string, operationId: string, query: z.ZodType, answer: z.ZodType, name: string, exact = false): Omit<ApiOperation, 'method' | 'path'> => ({
  operationId, summary, tag: 'Reports', auth: 'apiKey', query,
  responses: exact
    ? { 200: { description: 'the report, with its range, time zone, exactness and freshness', schema: answer, name }, 429: busy, 503: searchDown }
    : { 200: { description: 'the report, with its range, time zone, exactness and freshness', schema: answer, name }, 503: searchDown },
});

/**
 * Every route of the reports API and the Admin Panel, with the zod schemas the handlers validate
 * their parameters with and the schemas of their answers (response-schemas.ts). The OpenAPI
 * document is generated from this list; test/reports/openapi-drift.test.ts holds it to the routes
 * Fastify registered and to real answers.
 */
export function reportsApiOperations(settings: ReportsDocumentSettings): ApiOperation[] {
  return [
    { method: 'GET', path: '/v1/reports/distinct-users', ...report('Distinct users with a successful authentication, per local day', 'distinctUsersReport', distinctUsersParams, answers.distinctUsersSchema, 'DistinctUsersReport', true) },
    { method: 'GET', path: '/v1/reports/out-of-date', ...report('Denials for out-of-date software (reason out_of_date), per local month', 'outOfDateReport', outOfDateParams, answers.outOfDateSchema, 'OutOfDateReport', true) },
    { method: 'GET', path: '/v1/reports/volume', ...report('Authentications over time by result', 'volumeReport', volumeParams, answers.volumeSchema, 'VolumeReport') },
    { method: 'GET', path: '/v1/reports/breakdown', ...report('The top values of a dimension by event count', 'breakdownReport', breakdownParams, answers.breakdownSchema, 'BreakdownReport') },
    {
      method: 'GET', path: '/v1/logs', operationId: 'listAuthLog', tag: 'Auth log', auth: 'apiKey',
      summary: 'A page of the auth log, newest (or oldest) first, with a cursor', query: logParams(settings.maxPageSize),
      responses: { 200: { description: 'a page of events', schema: answers.logPageSchema, name: 'AuthLogPage' }, 503: searchDown },
    },
    {
      method: 'GET', path: '/v1/logs/export', operationId: 'exportAuthLog', tag: 'Auth log', auth: 'apiKey',
      summary: 'The whole matching auth log as CSV or NDJSON, streamed', query: exportParams,
      responses: { 200: exportFile, 429: busy, 503: searchDown },
    },
    {
      method: 'POST', path: '/v1/logs/export-links', operationId: 'createExportLink', tag: 'Auth log', auth: 'apiKey',
      summary: 'A single-use download link for an export (the query string is the export\'s)', query: exportParams,
      responses: { 200: { description: 'the link', schema: answers.exportLinkSchema, name: 'ExportLink' } },
    },
    {
      method: 'GET', path: '/v1/downloads/:token', operationId: 'downloadExport', tag: 'Auth log', auth: 'none',
      summary: 'Follow a download link: no key, the signed link is the credential; works once',
      params: z.object({ token: z.string().describe('the signed grant of POST /v1/logs/export-links') }),
      responses: {
        200: exportFile,
        400: { description: 'the export the link names is no longer valid (e.g. its range)', errors: ['VALIDATION_FAILED'] },
        403: { description: 'the link was altered, has expired, was already used, or its key was revoked', errors: ['EXPORT_LINK_INVALID'] },
        429: busy,
        503: { description: 'Elasticsearch, or Redis (a link cannot be proven unused), did not answer', errors: ['SEARCH_UNAVAILABLE', 'UNAVAILABLE'], headers: { 'Retry-After': 'seconds to wait' } },
      },
    },
    {
      method: 'GET', path: '/v1/account', operationId: 'getAccount', tag: 'Account', auth: 'apiKey',
      summary: 'The key\'s account and its time zone', query: noParams,
      responses: { 200: { description: 'the account', schema: answers.accountSchema, name: 'Account' } },
    },
    {
      method: 'GET', path: '/v1/freshness', operationId: 'getFreshness', tag: 'Account', auth: 'apiKey',
      summary: 'How far reports trail the authlog for the account', query: noParams,
      responses: { 200: { description: 'freshness', schema: answers.freshnessAnswerSchema, name: 'FreshnessAnswer' }, 503: searchDown },
    },
    {
      method: 'GET', path: '/v1/events/:txid/trace', operationId: 'traceEvent', tag: 'Lineage', auth: 'apiKey',
      summary: 'Every hop of one event: committed, published, indexed, each endpoint\'s attempts', query: noParams,
      params: z.object({ txid: z.string().regex(TXID) }),
      responses: {
        200: { description: 'the trace', schema: answers.eventTraceSchema, name: 'EventTrace' },
        404: { description: 'no such event in the key\'s account (another account\'s reads the same)', errors: ['EVENT_NOT_FOUND'] },
        503: searchDown,
      },
    },
    {
      method: 'GET', path: '/v1/completeness', operationId: 'getCompleteness', tag: 'Lineage', auth: 'apiKey',
      summary: 'The completeness ledger per hour: JSON, or CSV for an auditor (format=csv)', query: completenessParams,
      responses: { 200: { description: 'the ledger', schema: answers.completenessSchema, name: 'Completeness', contentTypes: ['text/csv'] } },
    },
    {
      method: 'GET', path: '/', operationId: 'panelRedirect', tag: 'Admin Panel', auth: 'none',
      summary: 'Redirects to the Admin Panel', responses: { 302: { description: 'to /panel/', headers: { Location: '/panel/' } } },
    },
    {
      method: 'GET', path: '/panel/', operationId: 'panelPage', tag: 'Admin Panel', auth: 'none',
      summary: 'The Admin Panel (it asks for an API key and calls this API)', responses: { 200: { description: 'the page', contentTypes: ['text/html'] }, 304: notModified },
    },
    {
      method: 'GET', path: '/panel/:file', operationId: 'panelFile', tag: 'Admin Panel', auth: 'none',
      summary: 'A file of the Admin Panel', params: z.object({ file: z.string() }),
      responses: {
        200: { description: 'the file (settings.json: what this instance offers, {"webhook_api": true} with REPORTS_WEBHOOK_API_URL set)', contentTypes: ['text/html', 'text/javascript', 'text/css', 'image/svg+xml', 'image/x-icon', 'application/json'] },
        304: notModified,
        404: { description: 'no such file', errors: ['NOT_FOUND'] },
      },
    },
    {
      method: 'GET', path: '/vendor/chart.umd.min.js', operationId: 'panelChartJs', tag: 'Admin Panel', auth: 'none',
      summary: 'Chart.js, for the Admin Panel', responses: { 200: { description: 'the script', contentTypes: ['text/javascript'] }, 304: notModified },
    },
    ...(settings.webhookApiProxy === true ? webhookApiProxyOperations : []),
    openApiOperation,
  ];
}

export interface ReportsDocumentSettings {
  readonly maxPageSize: number;
  /** REPORTS_WEBHOOK_API_URL is set: the Admin Panel's proxy to the webhook API is served. */
  readonly webhookApiProxy?: boolean;
}

/** Only with REPORTS_WEBHOOK_API_URL set (not in the committed document, made with default settings). */
const webhookApiProxyOperations: ApiOperation[] = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).map((method) => ({
  method, path: '/webhook-api/v1/*', operationId: `webhookApiProxy${method[0]}${method.slice(1).toLowerCase()}`, tag: 'Admin Panel', auth: 'none',
  summary: 'For the Admin Panel\'s webhook pages: the webhook API\'s /v1/... (see its own document), called with the caller\'s Authorization, Content-Type, Idempotency-Key and body (64 KiB at most), answered as it answered',
  responses: {
    200: { description: 'the webhook API\'s answer, whatever its status' },
    404: { description: 'a path outside the webhook API\'s /v1/', errors: ['NOT_FOUND'] },
    413: { description: 'a body over 64 KiB', errors: ['BODY_TOO_LARGE'] },
    502: { description: 'the webhook API did not answer within REPORTS_WEBHOOK_API_TIMEOUT_MS', errors: ['WEBHOOK_API_UNAVAILABLE'], headers: { 'Retry-After': 'seconds to wait' } },
  },
}));

/** The document served at GET /openapi.json and committed as docs/openapi/reports.json. */
export function reportsApiDocument(settings: ReportsDocumentSettings): JsonObject {
  return openApiDocument({
    title: 'Authlog reports API',
    version: '1',
    description:
      'Reports, the auth log (pages, exports, download links), lineage and completeness over the key\'s account, and the Admin Panel\'s files. Every /v1 route but /v1/downloads/{token} needs an API key holding logs:read. Errors share one body (ErrorBody; codes in docs/http-errors.md). The limit of GET /v1/logs is that of the serving instance (REPORTS_MAX_PAGE_SIZE); docs/openapi/reports.json shows the default.',
    operations: reportsApiOperations(settings),
    policies: reportsPolicies,
  });
}
