/**
 * MYSQL_ERRNO that authlog_record_rows signals when the authlog ids of a multi-row insert were not
 * consecutive, so the outbox rows' `@authlog_first + k` ids would be wrong; the transaction is
 * rolled back and the client writes the batch again looking each id up
 * (migrations/2026-12-08-92-partitioned-record-procedures.ts). Outside MySQL's and MariaDB's own
 * error numbers.
 */
export const NOT_CONSECUTIVE_ERRNO = 45_001;
