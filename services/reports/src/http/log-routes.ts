import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ValidationError } from '../../../../shared/errors/validation-error.js';
import type { Account } from '../accounts/account-store.js';
import { ExportLinkError } from '../errors/export-link-error.js';
import { authLogPage } from '../auth-log/auth-log-page.js';
import { openExport, type ExportFormat } from '../auth-log/export-stream.js';
import { decodeCursor, type SortOrder } from '../auth-log/log-cursor.js';
import { exportParams, logParams } from '../params/endpoint-params.js';
import { parseParams } from '../params/parse-params.js';
import { requestScope } from '../params/request-scope.js';
import { localDate } from '../params/zoned-time.js';
import type { EventScope } from '../search/event-scope.js';
import type { ApiDependencies } from './api-dependencies.js';
import { callerOf } from '../../../../shared/http/api-key-hook.js';
import { queryObject, rawQuery } from './query-string.js';
import { requestSignal } from './request-signal.js';

const CONTENT_TYPE: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson; charset=utf-8' };
const DAY_MS = 86_400_000;

/** The auth log: pages with search_after cursors, streamed exports, and signed download links. */
export function registerLogRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const { settings } = deps;
  const pageParams = logParams(settings.maxPageSize);

  app.get('/v1/logs', async (request, reply) => {
    const params = parseParams(pageParams, request.query);
    const account = await deps.accounts.get(callerOf(request).accountId);
    let scope = requestScope(account, params, settings.range);
    let order: SortOrder = params.sort === 'timestamp:asc' ? 'asc' : 'desc';
    const after = params.cursor === undefined ? undefined : decodeCursor(params.cursor, scope);
    if (after !== undefined) {
      const explicitRange = params.from !== undefined || params.to !== undefined;
      if (explicitRange && (after.fromMs !== scope.range.fromMs || after.toMs !== scope.range.toMs)) throw invalidCursor('a cursor from a page with the same from and to');
      if (params.sort !== undefined && after.order !== order) throw invalidCursor(`a cursor from a page sorted ${params.sort}`);
      if (after.fromMs >= after.toMs || after.toMs - after.fromMs > settings.range.maxDays * DAY_MS + 3_600_000) throw invalidCursor('the next_cursor value of a previous page, unchanged');
      // Later pages keep the first page's range, so a default "to = now" does not move between pages.
      scope = { ...scope, range: { ...scope.range, fromMs: after.fromMs, toMs: after.toMs } };
      order = after.order;
    }
    const signal = requestSignal(reply);
    const [page, freshness] = await Promise.all([
      authLogPage(deps.search, scope, { limit: params.limit ?? 100, order, after, totalLimit: settings.totalHitsLimit, signal }),
      deps.freshness.forAccount(account.accountId),
    ]);
    return { ...page, freshness };
  });

  app.get('/v1/logs/export', async (request, reply) => {
    const account = await deps.accounts.get(callerOf(request).accountId);
    return streamExport(reply, account, request.query);
  });

  app.post('/v1/logs/export-links', async (request) => {
    const caller = callerOf(request);
    const account = await deps.accounts.get(caller.accountId);
    const query = rawQuery(request.url);
    // Refuse a bad export now, not when the browser follows the link.
    requestScope(account, parseParams(exportParams, queryObject(query)), settings.range);
    const link = deps.exportLinks.sign(account.accountId, caller.keyId, query);
    return { url: `/v1/downloads/${link.token}`, expires_at: new Date(link.expiresAtMs).toISOString() };
  });

  // No API key here: the signed link is the credential, and it names the account, the key and the
  // query. It works once, and only while the key that made it is live.
  app.get<{ Params: { token: string } }>('/v1/downloads/:token', async (request, reply) => {
    const grant = deps.exportLinks.verify(request.params.token);
    if (!(await deps.apiKeys.isLive(grant.keyId))) throw new ExportLinkError('revoked');
    const account = await deps.accounts.get(grant.accountId);
    // Parameters are checked again before the link is spent, so a refused export costs no link.
    requestScope(account, parseParams(exportParams, queryObject(grant.query)), settings.range);
    if (!(await deps.linkRedemptions.redeem(grant.linkId, grant.expiresAtMs))) throw new ExportLinkError('used');
    return streamExport(reply, account, queryObject(grant.query));
  });

  async function streamExport(reply: FastifyReply, account: Account, query: unknown) {
    const params = parseParams(exportParams, query);
    const scope: EventScope = requestScope(account, params, settings.range);
    const format = params.format ?? 'csv';
    const release = deps.expensive.acquire(account.accountId);
    reply.raw.once('close', release);
    const chunks = await openExport(deps.search, scope, {
      format,
      order: params.sort === 'timestamp:asc' ? 'asc' : 'desc',
      pageSize: settings.exportPageSize,
      keepAlive: settings.exportKeepAlive,
      signal: requestSignal(reply),
      logger: deps.logger,
      onPage: (events) => deps.metrics.exportedEvents.inc({ format }, events),
    });
    const body = Readable.from(chunks, { objectMode: false, highWaterMark: 1 });
    body.once('error', (error) => deps.logger.error({ err: error, accountId: account.accountId }, 'export failed midway; the response is cut off'));
    const name = `authlog-${account.accountId}-${localDate(scope.range.fromMs, scope.range.timeZone)}-${localDate(scope.range.toMs - 1, scope.range.timeZone)}.${format}`;
    return reply
      .header('content-type', CONTENT_TYPE[format])
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  }
}

function invalidCursor(expected: string): ValidationError {
  return new ValidationError([{ field: 'cursor', expected }]);
}
