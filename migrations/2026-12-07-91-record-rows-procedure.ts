import { sql, type Kysely } from 'kysely';

/**
 * authlog_record_rows(p_authlog, p_outbox): the group-commit write of OutboxWriter.record, replacing
 * authlog_record_batch's JSON_TABLE walk (about 0.25 ms a row server-side under load) with two plain
 * multi-row inserts in ONE transaction and ONE round trip:
 *   INSERT INTO authlog (occurred_at, account_id, txid, payload) VALUES <p_authlog>;
 *   INSERT INTO outbox (authlog_id, account_id, event_type, schema_version, traceparent, tracestate) VALUES <p_outbox>;
 * p_authlog / p_outbox are the VALUES lists, escaped by the client the way mysql2 escapes every
 * query's parameters (shared/outbox/call-record-rows.ts). Each outbox row reads its authlog id with
 * `(SELECT id FROM authlog WHERE txid = ...)`: a unique-key lookup that sees this transaction's own
 * row. No reliance on consecutive auto-increment ids (innodb_autoinc_lock_mode=2, MySQL 8's
 * default, interleaves the ids of concurrent multi-row inserts); the outbox ids follow the VALUES
 * order, which is the callers' order (the relay's publish order).
 *
 * SQL SECURITY INVOKER: the lists are SQL text, so the procedure runs them with the caller's own
 * privileges and can do nothing the caller could not do with a query of its own; a prepared
 * statement is one statement, so nothing can be appended after the INSERT.
 *
 * Any error (1062: some txid was recorded before, a deadlock, a refused row) rolls the whole
 * transaction back and is re-signalled unchanged: the client then writes each record alone
 * (authlog_record), so each caller gets the answer it would get alone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE PROCEDURE authlog_record_rows(IN p_authlog LONGTEXT, IN p_outbox LONGTEXT)
    MODIFIES SQL DATA
    SQL SECURITY INVOKER
    BEGIN
      DECLARE EXIT HANDLER FOR SQLEXCEPTION
      BEGIN
        ROLLBACK;
        SET @authlog_record_rows = NULL;
        RESIGNAL;
      END;

      START TRANSACTION;
      SET @authlog_record_rows = CONCAT('INSERT INTO authlog (occurred_at, account_id, txid, payload) VALUES ', p_authlog);
      PREPARE authlog_rows FROM @authlog_record_rows;
      EXECUTE authlog_rows;
      DEALLOCATE PREPARE authlog_rows;
      SET @authlog_record_rows = CONCAT('INSERT INTO outbox (authlog_id, account_id, event_type, schema_version, traceparent, tracestate) VALUES ', p_outbox);
      PREPARE outbox_rows FROM @authlog_record_rows;
      EXECUTE outbox_rows;
      DEALLOCATE PREPARE outbox_rows;
      SET @authlog_record_rows = NULL;
      COMMIT;
    END
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS authlog_record_rows`.execute(db);
}
