/**
 * MySQL errors after which a transaction's outcome is unknown to the client: the connection went
 * away (or was killed) while the CALL ran, and its COMMIT may or may not have happened. Such a
 * failure must be reported to every caller of the batch (a retry with the same txid is safe and
 * answers `duplicate` if it had committed); re-running the events here could answer `duplicate`
 * to a caller whose own write had just committed, or hide an outage.
 */
const CONNECTION_ERRNOS = new Set([
  1053, // ER_SERVER_SHUTDOWN
  1317, // ER_QUERY_INTERRUPTED (KILL QUERY)
  1927, // ER_CONNECTION_KILLED (MariaDB's KILL)
  2006, // CR_SERVER_GONE_ERROR
  2013, // CR_SERVER_LOST
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8)
]);

export function isCommitUnknown(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { fatal, errno, code } = error as { fatal?: unknown; errno?: unknown; code?: unknown };
  if (fatal === true) return true;
  if (typeof errno === 'number' && CONNECTION_ERRNOS.has(errno)) return true;
  return typeof code === 'string' && ['PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code);
}
