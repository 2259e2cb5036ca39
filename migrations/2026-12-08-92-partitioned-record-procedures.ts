import { sql, type Kysely } from 'kysely';
import * as recordProcedures from './2026-11-26-07-record-procedures.js';
import * as batchRecordProcedure from './2026-12-07-61-batch-record-procedure.js';
import * as recordRowsProcedure from './2026-12-07-91-record-rows-procedure.js';
import { NOT_CONSECUTIVE_ERRNO } from '../shared/outbox/not-consecutive-errno.js';

/**
 * The write procedures for the partitioned Authlog (2026-12-08-91): idempotency is now the
 * authlog_txid row, inserted FIRST in the same transaction, so a retry fails on a narrow key
 * before its payload is written, whatever timestamp it carries.
 *
 *   authlog_record(...)           one event, its own transaction (OutboxWriter.record, alone);
 *   authlog_record_in_tx(...)     one event, inside the caller's transaction (recordIn);
 *   authlog_record_rows(t, a, o, ...)  many callers' events, three multi-row inserts (group commit);
 *   authlog_record_batch(events)  many callers' events one by one, each told recorded or duplicate
 *                                 (the group commit's path once some txid was recorded before).
 *
 * Answers are as before: a bare OK for a new record; a duplicate answers the account the txid was
 * first recorded for, so the client tells a retry (same account: `duplicate`) from a reused txid
 * (IdempotencyConflictError). A txid is a duplicate if authlog_txid holds it (recorded within the
 * retry horizon, any timestamp), or if authlog holds it with the same occurred_at (older than the
 * horizon; authlog's UNIQUE (txid, occurred_at) says so, and the txid row just inserted is removed).
 */
const parameters = sql.raw(`
    IN p_occurred_at DATETIME(3), IN p_account_id VARCHAR(64), IN p_txid VARCHAR(64), IN p_payload MEDIUMTEXT,
    IN p_event_type VARCHAR(32), IN p_schema_version SMALLINT UNSIGNED, IN p_traceparent VARCHAR(55), IN p_tracestate VARCHAR(512)`);

const declarations = sql.raw(`
    DECLARE v_duplicate BOOLEAN DEFAULT FALSE;
    DECLARE v_account VARCHAR(64);
    DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = TRUE;`);

/**
 * One event's writes, on the procedure's variables v_* (shared by the single-event procedures and
 * the batch loop). The duplicate's account is read with a locking read: the first copy may have
 * committed after this transaction's snapshot (a concurrent writer), which a plain read would miss.
 */
function oneEvent(prefix: 'p' | 'v'): string {
  return `
    SET v_duplicate = FALSE;
    SET v_account = NULL;
    INSERT INTO authlog_txid (txid, account_id) VALUES (${prefix}_txid, ${prefix}_account_id);
    IF v_duplicate THEN
      SELECT account_id INTO v_account FROM authlog_txid WHERE txid = ${prefix}_txid LOCK IN SHARE MODE;
    ELSE
      INSERT INTO authlog (occurred_at, account_id, txid, payload) VALUES (${prefix}_occurred_at, ${prefix}_account_id, ${prefix}_txid, ${prefix}_payload);
      IF v_duplicate THEN
        DELETE FROM authlog_txid WHERE txid = ${prefix}_txid;
        SELECT account_id INTO v_account FROM authlog WHERE txid = ${prefix}_txid AND occurred_at = ${prefix}_occurred_at LOCK IN SHARE MODE;
      ELSE
        INSERT INTO outbox (authlog_id, occurred_at, account_id, event_type, schema_version, traceparent, tracestate)
          VALUES (LAST_INSERT_ID(), ${prefix}_occurred_at, ${prefix}_account_id, ${prefix}_event_type, ${prefix}_schema_version, ${prefix}_traceparent, ${prefix}_tracestate);
      END IF;
    END IF;`;
}

const answer = sql.raw(`
    IF v_duplicate THEN
      SELECT 'duplicate' AS status, v_account AS account_id;
    END IF;`);

const eventColumns = sql.raw(`
    '$[*]' COLUMNS (
      ord FOR ORDINALITY,
      occurred_at DATETIME(3) PATH '$.at',
      account_id VARCHAR(64) PATH '$.account_id',
      txid VARCHAR(64) PATH '$.txid',
      payload LONGTEXT PATH '$.payload',
      event_type VARCHAR(32) PATH '$.event_type',
      schema_version SMALLINT UNSIGNED PATH '$.schema_version',
      traceparent VARCHAR(55) PATH '$.traceparent',
      tracestate VARCHAR(512) PATH '$.tracestate'
    )`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await recordRowsProcedure.down(db);
  await batchRecordProcedure.down(db);
  await recordProcedures.down(db);

  await sql`
    CREATE PROCEDURE authlog_record_in_tx(${parameters})
    MODIFIES SQL DATA
    BEGIN
      ${declarations}
      ${sql.raw(oneEvent('p'))}
      ${answer}
    END
  `.execute(db);
  await sql`
    CREATE PROCEDURE authlog_record(${parameters})
    MODIFIES SQL DATA
    BEGIN
      ${declarations}
      DECLARE EXIT HANDLER FOR SQLEXCEPTION
      BEGIN
        ROLLBACK;
        RESIGNAL;
      END;
      START TRANSACTION;
      ${sql.raw(oneEvent('p'))}
      COMMIT;
      ${answer}
    END
  `.execute(db);

  // p_txids, p_authlog, p_outbox: the VALUES lists of the three inserts, escaped by the client as
  // mysql2 escapes every parameter (shared/outbox/call-record-rows.ts), then sent in base64: as a
  // string parameter the lists would be escaped a second time (every quote and backslash of every
  // payload, about 9 us a row on the client here) and the server would unescape the literal before
  // PREPARE parses it again; base64 costs about 3 us a row and FROM_BASE64 is one pass. INVOKER: the text runs with
  // the caller's own privileges; a prepared statement is one statement. Any error (1062: a txid
  // recorded before; a deadlock) rolls the whole transaction back and is re-signalled unchanged.
  //
  // The outbox rows need their authlog ids. A multi-row INSERT ... VALUES is a "simple insert":
  // InnoDB reserves its ids at once, consecutive (step auto_increment_increment) in VALUES order
  // in every innodb_autoinc_lock_mode (only bulk inserts, INSERT ... SELECT and LOAD DATA, may
  // interleave). So the client may write them as @authlog_first + k * @authlog_step, no lookup per
  // row, and pass p_rows, p_last_txid and p_last_at: the procedure then proves the ids consecutive
  // (the last row sits at first + (rows - 1) * step, and ids only grow within a statement) or
  // signals MYSQL_ERRNO NOT_CONSECUTIVE_ERRNO (45001) and rolls back; the client then looks each id up
  // by (txid, occurred_at) instead (p_rows NULL: no check).
  await sql`
    CREATE PROCEDURE authlog_record_rows(IN p_txids LONGTEXT, IN p_authlog LONGTEXT, IN p_outbox LONGTEXT,
      IN p_rows INT, IN p_last_txid VARCHAR(64), IN p_last_at DATETIME(3))
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
      SET @authlog_record_rows = CONCAT('INSERT INTO authlog_txid (txid, account_id) VALUES ', CONVERT(FROM_BASE64(p_txids) USING utf8mb4));
      PREPARE txid_rows FROM @authlog_record_rows;
      EXECUTE txid_rows;
      DEALLOCATE PREPARE txid_rows;
      SET @authlog_record_rows = CONCAT('INSERT INTO authlog (occurred_at, account_id, txid, payload) VALUES ', CONVERT(FROM_BASE64(p_authlog) USING utf8mb4));
      PREPARE authlog_rows FROM @authlog_record_rows;
      EXECUTE authlog_rows;
      DEALLOCATE PREPARE authlog_rows;
      SET @authlog_first = LAST_INSERT_ID();
      SET @authlog_step = @@auto_increment_increment;
      IF p_rows IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM authlog WHERE id = @authlog_first + (p_rows - 1) * @authlog_step AND occurred_at = p_last_at AND txid = p_last_txid
      ) THEN
        SIGNAL SQLSTATE '45000' SET MYSQL_ERRNO = ${sql.raw(String(NOT_CONSECUTIVE_ERRNO))}, MESSAGE_TEXT = 'authlog ids of the batch are not consecutive';
      END IF;
      SET @authlog_record_rows = CONCAT('INSERT INTO outbox (authlog_id, occurred_at, account_id, event_type, schema_version, traceparent, tracestate) VALUES ', CONVERT(FROM_BASE64(p_outbox) USING utf8mb4));
      PREPARE outbox_rows FROM @authlog_record_rows;
      EXECUTE outbox_rows;
      DEALLOCATE PREPARE outbox_rows;
      SET @authlog_record_rows = NULL;
      COMMIT;
    END
  `.execute(db);

  // The events one by one in ONE transaction, in the array's order (the outbox ids follow it).
  // Answer: a bare OK when every event was new; otherwise one row whose duplicates column is a
  // JSON array of {ord (1-based), account_id (the account the txid was first recorded for)}.
  await sql`
    CREATE PROCEDURE authlog_record_batch(IN p_events LONGTEXT)
    MODIFIES SQL DATA
    BEGIN
      DECLARE v_done BOOLEAN DEFAULT FALSE;
      DECLARE v_duplicate BOOLEAN DEFAULT FALSE;
      DECLARE v_duplicates LONGTEXT DEFAULT NULL;
      DECLARE v_ord INT;
      DECLARE v_occurred_at DATETIME(3);
      DECLARE v_account_id VARCHAR(64);
      DECLARE v_txid VARCHAR(64);
      DECLARE v_payload LONGTEXT;
      DECLARE v_event_type VARCHAR(32);
      DECLARE v_schema_version SMALLINT UNSIGNED;
      DECLARE v_traceparent VARCHAR(55);
      DECLARE v_tracestate VARCHAR(512);
      DECLARE v_account VARCHAR(64);
      DECLARE c_events CURSOR FOR
        SELECT jt.ord, jt.occurred_at, jt.account_id, jt.txid, jt.payload, jt.event_type, jt.schema_version, jt.traceparent, jt.tracestate
        FROM JSON_TABLE(p_events, ${eventColumns}) AS jt ORDER BY jt.ord;
      DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = TRUE;
      DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = TRUE;
      DECLARE EXIT HANDLER FOR SQLEXCEPTION
      BEGIN
        ROLLBACK;
        RESIGNAL;
      END;

      START TRANSACTION;
      OPEN c_events;
      read_loop: LOOP
        FETCH c_events INTO v_ord, v_occurred_at, v_account_id, v_txid, v_payload, v_event_type, v_schema_version, v_traceparent, v_tracestate;
        IF v_done THEN
          LEAVE read_loop;
        END IF;
        ${sql.raw(oneEvent('v'))}
        -- SELECT INTO raises NOT FOUND when no row came back, which must not end the cursor loop.
        SET v_done = FALSE;
        IF v_duplicate THEN
          SET v_duplicates = CONCAT_WS(',', v_duplicates, JSON_OBJECT('ord', v_ord, 'account_id', v_account));
        END IF;
      END LOOP;
      CLOSE c_events;
      COMMIT;

      IF v_duplicates IS NOT NULL THEN
        SELECT CONCAT('[', v_duplicates, ']') AS duplicates;
      END IF;
    END
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS authlog_record_batch`.execute(db);
  await sql`DROP PROCEDURE IF EXISTS authlog_record_rows`.execute(db);
  await sql`DROP PROCEDURE IF EXISTS authlog_record`.execute(db);
  await sql`DROP PROCEDURE IF EXISTS authlog_record_in_tx`.execute(db);
  await recordProcedures.up(db);
  await batchRecordProcedure.up(db);
  await recordRowsProcedure.up(db);
}
