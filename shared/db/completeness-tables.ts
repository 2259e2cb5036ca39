/** Kysely types of migrations/2026-12-07-82-completeness-ledger.ts. */
export type HourStatus = 'complete' | 'repaired' | 'gap';

export interface CompletenessHoursTable {
  account_id: string;
  hour_start: Date;
  committed: number;
  indexed: number;
  documents_missing: number;
  documents_repaired: number;
  status: HourStatus;
  checked_at: Date;
}

/** complete: matched = settled; requeued: missing deliveries were enqueued again (checked again each round); repaired: they then arrived; gap: still short. */
export type EndpointHourStatus = 'complete' | 'requeued' | 'repaired' | 'gap';

export interface CompletenessEndpointHoursTable {
  account_id: string;
  hour_start: Date;
  endpoint_id: string;
  matched: number;
  settled: number;
  deliveries_missing: number;
  deliveries_requeued: number;
  status: EndpointHourStatus;
  checked_at: Date;
}

export interface CompletenessProgressTable {
  ledger: string;
  next_hour: Date;
}

export interface CompletenessDatabase {
  completeness_hours: CompletenessHoursTable;
  completeness_endpoint_hours: CompletenessEndpointHoursTable;
  completeness_progress: CompletenessProgressTable;
}
