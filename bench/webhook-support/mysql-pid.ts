import { readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';

/**
 * Pid of the MySQL server the bench writes to, from its `@@pid_file`, when that server runs on this
 * machine and the file is readable; undefined otherwise (the CPU figure is then null, not wrong).
 * The dispatcher writes every attempt to MySQL and the bare loop writes nothing, so MySQL's CPU is
 * part of what the design spends per delivery even though the goal counts dispatcher + Redis only.
 */
export async function mysqlPid(db: Kysely<unknown>): Promise<number | undefined> {
  try {
    const { rows } = await sql<{ pid_file: string }>`SELECT @@pid_file AS pid_file`.execute(db);
    const file = rows[0]?.pid_file;
    if (file === undefined) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
