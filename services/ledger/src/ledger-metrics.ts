import { Counter, Gauge, type Registry } from 'prom-client';

/** Gaps found and repaired, by kind (documents, deliveries), and how far the ledger has come. */
export class LedgerMetrics {
  readonly gapsFound: Counter<'kind'>;
  readonly gapsRepaired: Counter<'kind'>;
  readonly hoursChecked: Counter;
  readonly nextHour: Gauge;

  constructor(registry: Registry) {
    this.gapsFound = new Counter({ name: 'ledger_gaps_found_total', help: 'account-hours (documents) or endpoint-hours (deliveries) found short', labelNames: ['kind'], registers: [registry] });
    this.gapsRepaired = new Counter({ name: 'ledger_gaps_repaired_total', help: 'gaps whose counts matched after the repair (documents) or whose missing deliveries were enqueued again (deliveries)', labelNames: ['kind'], registers: [registry] });
    this.hoursChecked = new Counter({ name: 'ledger_account_hours_checked_total', help: 'account-hours written to the ledger', registers: [registry] });
    this.nextHour = new Gauge({ name: 'ledger_next_hour_timestamp_seconds', help: 'start of the next hour to fill: alert if it falls behind', registers: [registry] });
  }
}
