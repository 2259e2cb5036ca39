import type { Kysely } from 'kysely';
import type { AuthlogTable } from '../../../../shared/db/database.js';
import type { RecordedEvents } from '../reports/freshness.js';

/** RecordedEvents over the authlog table: MAX(occurred_at) on the (account_id, occurred_at) index. */
export class AuthlogRecordedEvents implements RecordedEvents {
  constructor(private readonly db: Kysely<{ authlog: AuthlogTable }>) {}

  async newestEventAt(accountId: string, since: Date): Promise<Date | null> {
    const row = await this.db
      .selectFrom('authlog')
      .select((eb) => eb.fn.max('occurred_at').as('newest'))
      .where('account_id', '=', accountId)
      .where('occurred_at', '>=', since)
      .executeTakeFirst();
    const newest = row?.newest as Date | string | null | undefined;
    return newest === null || newest === undefined ? null : new Date(newest);
  }
}
