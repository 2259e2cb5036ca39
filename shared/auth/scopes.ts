/**
 * What an API key may do. Each route of the customer APIs needs one scope (the route-policy table
 * of each API); a key is refused a route whose scope it lacks with 403 INSUFFICIENT_SCOPE.
 * - `logs:read`: the reports API (reports, auth log, exports, lineage, completeness)
 * - `webhooks:read`: endpoints, attempts, messages, event types of the webhook API
 * - `webhooks:write`: changes to endpoints, signing secrets (reading them too), tests, replays
 * - `keys:admin`: API keys (create, list, revoke) and the audit log
 */
export const SCOPES = ['logs:read', 'webhooks:read', 'webhooks:write', 'keys:admin'] as const;

export type Scope = (typeof SCOPES)[number];

/** Every scope: what keys made by operators (scripts, the demo) and keys older than scopes hold. */
export const ALL_SCOPES: readonly Scope[] = SCOPES;

export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/**
 * The stored column (space-separated) as scopes. A word this version does not know (written by a
 * newer one) is left out: a key never gains a right by being read by older code.
 */
export function scopesFromColumn(column: string): Scope[] {
  const words = new Set(column.split(' '));
  return SCOPES.filter((scope) => words.has(scope));
}

/** Scopes as stored: in SCOPES order, each once, so equal sets are equal strings. */
export function scopesToColumn(scopes: Iterable<Scope>): string {
  const given = new Set(scopes);
  return SCOPES.filter((scope) => given.has(scope)).join(' ');
}
