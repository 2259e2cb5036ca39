import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { AuthlogDatabase } from '../../../shared/db/database.js';

/**
 * The answers the reports must give, computed by SQL over the authlog rows in MySQL (the system of
 * record), independently of the service's code: local times come from MariaDB's CONVERT_TZ with its
 * named time zone tables, not from our Intl arithmetic.
 */
export interface LocalRange {
  readonly accountId: string;
  readonly timeZone: string;
  /** Local days, inclusive. */
  readonly firstDay: string;
  readonly lastDay: string;
}

type Db = Kysely<AuthlogDatabase>;

const local = (zone: string) => sql`CONVERT_TZ(occurred_at, 'UTC', ${zone})`;

function inRange(range: LocalRange): RawBuilder<unknown> {
  return sql`account_id = ${range.accountId} AND ${local(range.timeZone)} >= ${range.firstDay} AND ${local(range.timeZone)} < DATE_ADD(${range.lastDay}, INTERVAL 1 DAY)`;
}

export async function distinctUsersPerDay(db: Db, range: LocalRange) {
  const result = await sql<{ day: string; users: number; events: number }>`
    SELECT DATE_FORMAT(${local(range.timeZone)}, '%Y-%m-%d') AS day, COUNT(DISTINCT user_key) AS users, COUNT(*) AS events
    FROM authlog WHERE ${inRange(range)} AND result = 'success' AND event_type = 'authentication'
    GROUP BY day`.execute(db);
  const total = await sql<{ users: number; events: number }>`
    SELECT COUNT(DISTINCT user_key) AS users, COUNT(*) AS events
    FROM authlog WHERE ${inRange(range)} AND result = 'success' AND event_type = 'authentication'`.execute(db);
  return {
    days: new Map(result.rows.map((row) => [row.day, { users: Number(row.users), events: Number(row.events) }])),
    total: { users: Number(total.rows[0]?.users), events: Number(total.rows[0]?.events) },
  };
}

export async function outOfDatePerMonth(db: Db, range: LocalRange) {
  const months = await sql<{ month: string; users: number; events: number }>`
    SELECT DATE_FORMAT(${local(range.timeZone)}, '%Y-%m') AS month, COUNT(DISTINCT user_key) AS users, COUNT(*) AS events
    FROM authlog WHERE ${inRange(range)} AND reason = 'out_of_date' GROUP BY month`.execute(db);
  const software = await sql<{ month: string; software: string | null; users: number; events: number }>`
    SELECT DATE_FORMAT(${local(range.timeZone)}, '%Y-%m') AS month, JSON_UNQUOTE(JSON_EXTRACT(payload, '$.ood_software')) AS software,
           COUNT(DISTINCT user_key) AS users, COUNT(*) AS events
    FROM authlog WHERE ${inRange(range)} AND reason = 'out_of_date' GROUP BY month, software`.execute(db);
  return {
    months: new Map(months.rows.map((row) => [row.month, { users: Number(row.users), events: Number(row.events) }])),
    software: software.rows.map((row) => ({ month: row.month, software: row.software === 'null' ? null : row.software, users: Number(row.users), events: Number(row.events) })),
  };
}

export type Interval = 'hour' | 'day' | 'week' | 'month';

/** Events per local bucket and result; keys as "<local bucket start>|<UTC offset minutes>" for hours. */
export async function volume(db: Db, range: LocalRange, interval: Interval) {
  const at = local(range.timeZone);
  const bucket =
    interval === 'hour'
      ? sql`CONCAT(DATE_FORMAT(${at}, '%Y-%m-%dT%H'), '|', TIMESTAMPDIFF(MINUTE, occurred_at, ${at}))`
      : interval === 'day'
        ? sql`DATE_FORMAT(${at}, '%Y-%m-%d')`
        : interval === 'week'
          ? sql`DATE_FORMAT(DATE_SUB(DATE(${at}), INTERVAL WEEKDAY(${at}) DAY), '%Y-%m-%d')`
          : sql`DATE_FORMAT(${at}, '%Y-%m')`;
  const result = await sql<{ bucket: string; result: string; events: number }>`
    SELECT ${bucket} AS bucket, result, COUNT(*) AS events FROM authlog WHERE ${inRange(range)} GROUP BY bucket, result`.execute(db);
  const buckets = new Map<string, Record<string, number>>();
  for (const row of result.rows) {
    const counts = buckets.get(row.bucket) ?? { success: 0, denied: 0, fraud: 0, total: 0 };
    counts[row.result] = Number(row.events);
    counts.total = (counts.total ?? 0) + Number(row.events);
    buckets.set(row.bucket, counts);
  }
  return buckets;
}

export const BREAKDOWN_SQL: Record<string, RawBuilder<unknown>> = {
  factor: sql`factor`,
  reason: sql`reason`,
  result: sql`result`,
  application: sql`application_key`,
  country: sql`JSON_UNQUOTE(JSON_EXTRACT(payload, '$.access_device.location.country'))`,
  os: sql`JSON_UNQUOTE(JSON_EXTRACT(payload, '$.access_device.os'))`,
  browser: sql`JSON_UNQUOTE(JSON_EXTRACT(payload, '$.access_device.browser'))`,
};

/** Events per value, most first then by value (bytewise), as a terms aggregation orders them; null = no value. */
export async function breakdown(db: Db, range: LocalRange, by: string, extra: RawBuilder<unknown> = sql`TRUE`) {
  const result = await sql<{ value: string | null; events: number }>`
    SELECT ${BREAKDOWN_SQL[by]} AS value, COUNT(*) AS events FROM authlog WHERE ${inRange(range)} AND ${extra} GROUP BY value`.execute(db);
  const rows = result.rows.map((row) => ({ value: row.value === 'null' ? null : row.value, events: Number(row.events) }));
  const present = rows.filter((row) => row.value !== null).sort((a, b) => b.events - a.events || (a.value! < b.value! ? -1 : 1));
  return { items: present, missing: rows.find((row) => row.value === null)?.events ?? 0, total: rows.reduce((sum, row) => sum + row.events, 0) };
}

/** txids in log order ([timestamp, txid], both descending or ascending) matching `where`. */
export async function logTxids(db: Db, range: LocalRange, where: RawBuilder<unknown>, order: 'asc' | 'desc') {
  const direction = order === 'asc' ? sql`ASC` : sql`DESC`;
  const result = await sql<{ txid: string }>`
    SELECT txid FROM authlog WHERE ${inRange(range)} AND ${where} ORDER BY occurred_at ${direction}, txid ${direction}`.execute(db);
  return result.rows.map((row) => row.txid);
}
