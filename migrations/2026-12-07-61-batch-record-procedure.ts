import { sql, type Kysely } from 'kysely';

/**
 * authlog_record_batch(p_events, p_outbox): the group-commit write of OutboxWriter.record. Many callers'
 * events (a JSON array, one object per event, txids distinct) are written in ONE transaction and
 * ONE round trip: multi-row Authlog and outbox inserts through JSON_TABLE (MariaDB >= 10.6 and
 * MySQL 8 both have it).
 *
 * p_events elements: {at: 'YYYY-MM-DD HH:MM:SS.mmm' (UTC), account_id, txid, payload (the event's
 * JSON text), event_type, schema_version, traceparent, tracestate}. p_outbox: the same events'
 * [txid, event_type, schema_version, traceparent, tracestate], in the same order.
 *
 * Answer: a bare OK when every event is new (the common case: no result set to read); otherwise one
 * row whose `duplicates` column is a JSON array of {ord, account_id} for the 1-based positions whose
 * txid was recorded before (account_id: the account it was recorded for, so the caller can tell a
 * retry from a reused txid).
 *
 * Fast path: two multi-row inserts; the outbox ids follow the array order (the relay's publish
 * order). Slow path, when some txid was recorded before (1062 on the multi-row insert, which MySQL
 * undoes as a statement; a retry is the usual cause): the events one by one, as authlog_record
 * does for one event. The fast path reads no authlog row before inserting (a read would cost a
 * third walk of the JSON and, inside INSERT ... SELECT, shared gap locks).
 * Any other error rolls back the whole transaction and is re-signalled unchanged.
 */
const columns = sql.raw(`
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

const outboxColumns = sql.raw(`
    '$[*]' COLUMNS (
      txid VARCHAR(64) PATH '$[0]',
      event_type VARCHAR(32) PATH '$[1]',
      schema_version SMALLINT UNSIGNED PATH '$[2]',
      traceparent VARCHAR(55) PATH '$[3]',
      tracestate VARCHAR(512) PATH '$[4]'
    )`);

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE PROCEDURE authlog_record_batch(IN p_events LONGTEXT, IN p_outbox LONGTEXT)
    MODIFIES SQL DATA
    BEGIN
      DECLARE v_raced BOOLEAN DEFAULT FALSE;
      DECLARE v_done BOOLEAN DEFAULT FALSE;
      DECLARE v_duplicate BOOLEAN DEFAULT FALSE;
      DECLARE v_duplicates LONGTEXT DEFAULT NULL;
      DECLARE v_first BIGINT UNSIGNED;
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
        FROM JSON_TABLE(p_events, ${columns}) AS jt ORDER BY jt.ord;
      DECLARE CONTINUE HANDLER FOR NOT FOUND SET v_done = TRUE;
      DECLARE CONTINUE HANDLER FOR 1062 SET v_duplicate = TRUE;
      DECLARE EXIT HANDLER FOR SQLEXCEPTION
      BEGIN
        ROLLBACK;
        RESIGNAL;
      END;

      START TRANSACTION;
      INSERT INTO authlog (occurred_at, account_id, txid, payload)
        SELECT jt.occurred_at, jt.account_id, jt.txid, jt.payload FROM JSON_TABLE(p_events, ${columns}) AS jt ORDER BY jt.ord;
      IF v_duplicate THEN
        -- A txid was recorded before (a retry), or by a concurrent writer: MySQL undid the statement.
        SET v_raced = TRUE;
      ELSE
        SET v_first = LAST_INSERT_ID();
        -- The outbox columns come from the small p_outbox array: walking p_events again would parse
        -- every payload a second time. Every row of these txids with an id from ours on is ours.
        INSERT INTO outbox (authlog_id, account_id, event_type, schema_version, traceparent, tracestate)
          SELECT a.id, a.account_id, jt.event_type, jt.schema_version, jt.traceparent, jt.tracestate
          FROM JSON_TABLE(p_outbox, ${outboxColumns}) AS jt JOIN authlog AS a ON a.txid = jt.txid
          WHERE a.id >= v_first
          ORDER BY a.id;
      END IF;

      IF v_raced THEN
        OPEN c_events;
        read_loop: LOOP
          FETCH c_events INTO v_ord, v_occurred_at, v_account_id, v_txid, v_payload, v_event_type, v_schema_version, v_traceparent, v_tracestate;
          IF v_done THEN
            LEAVE read_loop;
          END IF;
          SET v_duplicate = FALSE;
          INSERT INTO authlog (occurred_at, account_id, txid, payload) VALUES (v_occurred_at, v_account_id, v_txid, v_payload);
          IF v_duplicate THEN
            -- A locking read: the row may have been committed after this transaction's snapshot
            -- (a concurrent writer), which a plain read would not see. The 1062 already holds its lock.
            SET v_account = NULL;
            SELECT account_id INTO v_account FROM authlog WHERE txid = v_txid LOCK IN SHARE MODE;
            -- SELECT INTO raises NOT FOUND when no row came back, which must not end the cursor loop.
            SET v_done = FALSE;
            SET v_duplicates = CONCAT_WS(',', v_duplicates, JSON_OBJECT('ord', v_ord, 'account_id', v_account));
          ELSE
            INSERT INTO outbox (authlog_id, account_id, event_type, schema_version, traceparent, tracestate)
              VALUES (LAST_INSERT_ID(), v_account_id, v_event_type, v_schema_version, v_traceparent, v_tracestate);
          END IF;
        END LOOP;
        CLOSE c_events;
      END IF;
      COMMIT;

      IF v_duplicates IS NOT NULL THEN
        SELECT CONCAT('[', v_duplicates, ']') AS duplicates;
      END IF;
    END
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP PROCEDURE IF EXISTS authlog_record_batch`.execute(db);
}
