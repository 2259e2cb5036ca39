import { sql, type Kysely } from 'kysely';

/**
 * Runs `work` only if this instance gets MySQL's named lock for the job (GET_LOCK, no wait), on
 * one connection held for the whole run: several lifecycle instances may be scheduled, one runs a
 * job, the others skip that round. A crashed holder's lock goes with its connection, so a job is
 * never stuck locked. Resolves `{ ran: false }` when another instance holds it.
 */
export async function withJobLock<DB, Result>(db: Kysely<DB>, job: string, work: () => Promise<Result>): Promise<{ ran: true; result: Result } | { ran: false }> {
  return db.connection().execute(async (connection) => {
    const name = `authlog-lifecycle:${job}`;
    const got = await sql<{ got: number | null }>`SELECT GET_LOCK(${name}, 0) AS got`.execute(connection);
    if (Number(got.rows[0]?.got) !== 1) return { ran: false as const };
    try {
      return { ran: true as const, result: await work() };
    } finally {
      await sql`SELECT RELEASE_LOCK(${name})`.execute(connection);
    }
  });
}
