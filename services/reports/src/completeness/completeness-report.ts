import type { Kysely } from 'kysely';
import type { CompletenessDatabase, EndpointHourStatus } from '../../../../shared/db/completeness-tables.js';

const HOUR_MS = 3_600_000;

export type OverallStatus = 'complete' | 'repaired' | 'repairing' | 'gap';

export interface EndpointHour {
  readonly endpoint_id: string;
  readonly matched: number;
  readonly settled: number;
  readonly deliveries_missing: number;
  readonly deliveries_requeued: number;
  readonly status: EndpointHourStatus;
}

export interface LedgerHour {
  readonly hour_start: string;
  readonly status: OverallStatus;
  readonly committed: number;
  readonly indexed: number;
  readonly documents_missing: number;
  readonly documents_repaired: number;
  readonly checked_at: string;
  readonly endpoints: readonly EndpointHour[];
}

export interface CompletenessAnswer {
  readonly account_id: string;
  readonly from: string;
  readonly to: string;
  /** Hours before this are filled by the ledger; later ones are open (not closed or not reached yet). */
  readonly filled_until: string | null;
  readonly summary: { readonly hours_complete: number; readonly hours_repaired: number; readonly hours_repairing: number; readonly hours_gap: number; readonly hours_open: number };
  /** Only hours with events; a filled hour without a row had none. */
  readonly hours: readonly LedgerHour[];
}

/**
 * The completeness ledger of one account over a range (GET /v1/completeness): what the ledger job
 * (services/ledger) recorded per closed hour, with an overall status per hour: gap (still short),
 * repairing (deliveries enqueued again, not all arrived yet), repaired, complete.
 */
export class CompletenessReport {
  constructor(
    private readonly db: Kysely<CompletenessDatabase>,
    private readonly ledger: string,
  ) {}

  async forAccount(accountId: string, fromMs: number, toMs: number): Promise<CompletenessAnswer> {
    const from = new Date(Math.floor(fromMs / HOUR_MS) * HOUR_MS);
    const to = new Date(toMs);
    const [hours, endpoints, progress] = await Promise.all([
      this.db.selectFrom('completeness_hours').selectAll().where('account_id', '=', accountId).where('hour_start', '>=', from).where('hour_start', '<', to).orderBy('hour_start').execute(),
      this.db
        .selectFrom('completeness_endpoint_hours')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('hour_start', '>=', from)
        .where('hour_start', '<', to)
        .orderBy('hour_start')
        .orderBy('endpoint_id')
        .execute(),
      this.db.selectFrom('completeness_progress').select('next_hour').where('ledger', '=', this.ledger).executeTakeFirst(),
    ]);
    const byHour = new Map<number, EndpointHour[]>();
    for (const row of endpoints) {
      const list = byHour.get(row.hour_start.getTime()) ?? [];
      list.push({ endpoint_id: row.endpoint_id, matched: row.matched, settled: row.settled, deliveries_missing: row.deliveries_missing, deliveries_requeued: row.deliveries_requeued, status: row.status });
      byHour.set(row.hour_start.getTime(), list);
    }
    const rows: LedgerHour[] = hours.map((row) => {
      const list = byHour.get(row.hour_start.getTime()) ?? [];
      return {
        hour_start: row.hour_start.toISOString(),
        status: overall(row.status, list),
        committed: row.committed,
        indexed: row.indexed,
        documents_missing: row.documents_missing,
        documents_repaired: row.documents_repaired,
        checked_at: row.checked_at.toISOString(),
        endpoints: list,
      };
    });
    const filledUntil = progress?.next_hour.getTime();
    const openFrom = Math.max(from.getTime(), filledUntil ?? from.getTime());
    const count = (status: OverallStatus) => rows.filter((row) => row.status === status).length;
    return {
      account_id: accountId,
      from: from.toISOString(),
      to: to.toISOString(),
      filled_until: filledUntil === undefined ? null : new Date(filledUntil).toISOString(),
      summary: {
        hours_complete: count('complete'),
        hours_repaired: count('repaired'),
        hours_repairing: count('repairing'),
        hours_gap: count('gap'),
        hours_open: Math.max(0, Math.ceil((to.getTime() - openFrom) / HOUR_MS)),
      },
      hours: rows,
    };
  }
}

function overall(documents: string, endpoints: readonly EndpointHour[]): OverallStatus {
  if (documents === 'gap' || endpoints.some((endpoint) => endpoint.status === 'gap')) return 'gap';
  if (endpoints.some((endpoint) => endpoint.status === 'requeued')) return 'repairing';
  if (documents === 'repaired' || endpoints.some((endpoint) => endpoint.status === 'repaired')) return 'repaired';
  return 'complete';
}

const CSV_HEADER = 'hour_start,status,committed,indexed,documents_missing,documents_repaired,endpoint_id,matched,settled,deliveries_missing,deliveries_requeued,endpoint_status';

/** The ledger as CSV for an auditor: one line per hour and endpoint (one line with empty endpoint columns when none). */
export function completenessCsv(answer: CompletenessAnswer): string {
  const lines = [CSV_HEADER];
  for (const hour of answer.hours) {
    const head = [hour.hour_start, hour.status, hour.committed, hour.indexed, hour.documents_missing, hour.documents_repaired];
    if (hour.endpoints.length === 0) lines.push([...head, '', '', '', '', '', ''].join(','));
    // Endpoint ids and statuses are our own identifiers ([a-z0-9_]), never customer text: no quoting needed.
    for (const endpoint of hour.endpoints) lines.push([...head, endpoint.endpoint_id, endpoint.matched, endpoint.settled, endpoint.deliveries_missing, endpoint.deliveries_requeued, endpoint.status].join(','));
  }
  return `${lines.join('\n')}\n`;
}
