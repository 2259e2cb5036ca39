import { HttpProblem } from '../../../shared/http/http-problem.js';
import { reservedHeaderReason } from '../../../shared/webhooks/headers/header-rules.js';

/**
 * Refuses a custom header the dispatcher owns (`webhook-*`, `host`, `content-type`...) with a 422
 * naming it: the request is well formed, but setting that header would change what is signed or
 * how the body is framed. A PATCH removing one (null) is let through: it changes nothing.
 */
export function refuseReservedHeaders(headers: Readonly<Record<string, string | null>> | undefined): void {
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === null) continue;
    const reason = reservedHeaderReason(name);
    if (reason !== undefined) throw new HttpProblem(422, 'RESERVED_HEADER', `headers.${name}: ${reason}`, { field: `headers.${name}` });
  }
}
