import { ConfigError } from '../errors/config-error.js';

/** Passwords of local stacks and examples (the default AUTHLOG_MYSQL_URL carries the first). */
const LOCAL_PASSWORDS = new Set(['authlog', 'root', 'password', 'secret', 'changeme', 'mysql', 'test']);

/**
 * Settings that open a hole on purpose, for the local demo and tests only, refused outright when
 * NODE_ENV=production (the image sets it), so a demo value copied into a real deployment stops
 * the service at start instead of letting customers' webhooks reach internal addresses. The same
 * goes for the local stack's MySQL password, which the default AUTHLOG_MYSQL_URL carries. Run by
 * loadConfig on whatever settings a service reads, like checkConnectionSettings.
 */
export function checkProductionExceptions(values: Readonly<Record<string, unknown>>): void {
  if (values.NODE_ENV !== 'production') return;
  if (typeof values.AUTHLOG_MYSQL_URL === 'string' && values.AUTHLOG_MYSQL_PASSWORD === undefined) {
    const password = decodeURIComponent(new URL(values.AUTHLOG_MYSQL_URL).password);
    if (LOCAL_PASSWORDS.has(password.toLowerCase())) {
      throw new ConfigError('AUTHLOG_MYSQL_URL', "carries the local stack's password: give the real one in AUTHLOG_MYSQL_PASSWORD or AUTHLOG_MYSQL_PASSWORD_FILE (NODE_ENV=production)");
    }
  }
  if (Array.isArray(values.WEBHOOK_SSRF_ALLOW) && values.WEBHOOK_SSRF_ALLOW.length > 0) {
    throw new ConfigError('WEBHOOK_SSRF_ALLOW', 'must be empty when NODE_ENV=production (SSRF exceptions are for the local demo and tests only)');
  }
  if (values.WEBHOOK_ALLOW_HTTP === true) {
    throw new ConfigError('WEBHOOK_ALLOW_HTTP', 'must be false when NODE_ENV=production (plain http endpoints are for the local demo and tests only)');
  }
}
