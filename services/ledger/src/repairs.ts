/** Re-indexes an account's events of [from, to) from Authlog (the backfill path); returns rows indexed. */
export interface DocumentRepair {
  reindex(accountId: string, from: Date, to: Date): Promise<number>;
}

/** Enqueues deliveries of these events to the endpoint again (the dispatcher's recover path); returns how many. */
export interface DeliveryRepair {
  requeue(accountId: string, endpointId: string, txids: readonly string[], hourStart: Date): Promise<number>;
}
