import type { AuthEvent } from '../../../../shared/event/auth-event.js';

type Cell = string | number | boolean | null | undefined | readonly string[];

/** The export's columns, in order: Duo's field names, nested objects flattened with dots. */
export const CSV_COLUMNS: readonly (readonly [string, (event: AuthEvent) => Cell])[] = [
  ['timestamp', (e) => e.timestamp],
  ['txid', (e) => e.txid],
  ['event_type', (e) => e.event_type],
  ['result', (e) => e.result],
  ['reason', (e) => e.reason],
  ['factor', (e) => e.factor],
  ['user.key', (e) => e.user.key],
  ['user.name', (e) => e.user.name],
  ['user.groups', (e) => e.user.groups],
  ['application.key', (e) => e.application.key],
  ['application.name', (e) => e.application.name],
  ['access_device.ip', (e) => e.access_device.ip],
  ['access_device.hostname', (e) => e.access_device.hostname],
  ['access_device.location.city', (e) => e.access_device.location.city],
  ['access_device.location.state', (e) => e.access_device.location.state],
  ['access_device.location.country', (e) => e.access_device.location.country],
  ['access_device.os', (e) => e.access_device.os],
  ['access_device.os_version', (e) => e.access_device.os_version],
  ['access_device.browser', (e) => e.access_device.browser],
  ['access_device.browser_version', (e) => e.access_device.browser_version],
  ['access_device.is_encryption_enabled', (e) => e.access_device.is_encryption_enabled],
  ['access_device.is_firewall_enabled', (e) => e.access_device.is_firewall_enabled],
  ['access_device.is_password_set', (e) => e.access_device.is_password_set],
  ['access_device.security_agents', (e) => e.access_device.security_agents],
  ['auth_device.name', (e) => e.auth_device?.name],
  ['auth_device.ip', (e) => e.auth_device?.ip],
  ['auth_device.location.country', (e) => e.auth_device?.location.country],
  ['ood_software', (e) => e.ood_software],
];

export const CSV_HEADER = `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`;

/** One event as a CSV record (RFC 4180: CRLF line ends, quotes doubled). */
export function csvRecord(event: AuthEvent): string {
  return `${CSV_COLUMNS.map(([, read]) => csvCell(read(event))).join(',')}\r\n`;
}

/**
 * A CSV cell that a spreadsheet shows as text. Customers choose user and application names, so a
 * value like `=HYPERLINK(...)` must not become a formula when the export is opened (OWASP "CSV
 * injection"): text starting with = + - @ tab or CR, even after spaces, gets a leading apostrophe.
 * Then RFC 4180 quoting for commas, quotes and line breaks. Lists are joined with "; ".
 */
export function csvCell(value: Cell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean' || typeof value === 'number') return String(value);
  let text = typeof value === 'string' ? value : value.join('; ');
  if (/^[\s]*[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}
