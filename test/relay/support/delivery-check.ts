import type { ReceivedEvent } from './topic-reader.js';

export interface WrittenEvent {
  readonly txid: string;
  readonly accountId: string;
}

export interface DeliveryReport {
  readonly missing: string[];
  /** Event ids received more than once. */
  readonly duplicated: string[];
  /** Duplicates whose headers or value differ from the first copy (must be none). */
  readonly inconsistentDuplicates: string[];
  /** Accounts whose events (first copies) are not in the written order, or span partitions. */
  readonly misordered: string[];
  readonly unexpected: string[];
}

/**
 * Compares what reached Kafka with what was written. `written` is in commit order; per account,
 * the first copies must come in that order from a single partition.
 */
export function checkDelivery(written: readonly WrittenEvent[], received: readonly ReceivedEvent[]): DeliveryReport {
  const first = new Map<string, ReceivedEvent>();
  const duplicated = new Set<string>();
  const inconsistent = new Set<string>();
  const perAccount = new Map<string, ReceivedEvent[]>();
  for (const event of received) {
    const earlier = first.get(event.id);
    if (earlier !== undefined) {
      duplicated.add(event.id);
      if (!earlier.value.equals(event.value) || JSON.stringify(earlier.headers) !== JSON.stringify(event.headers) || earlier.partition !== event.partition) {
        inconsistent.add(event.id);
      }
      continue;
    }
    first.set(event.id, event);
    const list = perAccount.get(event.accountId) ?? [];
    list.push(event);
    perAccount.set(event.accountId, list);
  }
  const writtenIds = new Set(written.map((event) => event.txid));
  const expectedPerAccount = new Map<string, string[]>();
  for (const event of written) {
    const list = expectedPerAccount.get(event.accountId) ?? [];
    list.push(event.txid);
    expectedPerAccount.set(event.accountId, list);
  }
  const misordered: string[] = [];
  for (const [account, expected] of expectedPerAccount) {
    const got = (perAccount.get(account) ?? []).filter((event) => writtenIds.has(event.id));
    const partitions = new Set(got.map((event) => event.partition));
    // Offsets within one partition give Kafka's order.
    const ids = [...got].sort((a, b) => a.offset - b.offset).map((event) => event.id);
    if (partitions.size > 1 || ids.join() !== expected.filter((id) => first.has(id)).join()) misordered.push(account);
  }
  return {
    missing: written.filter((event) => !first.has(event.txid)).map((event) => event.txid),
    duplicated: [...duplicated],
    inconsistentDuplicates: [...inconsistent],
    misordered,
    unexpected: [...first.keys()].filter((id) => !writtenIds.has(id)),
  };
}
