/**
 * Waits for `promise` inside a kafkajs eachBatch, calling `heartbeat` every `everyMs` meanwhile:
 * kafkajs has no background heartbeat, so a handler that waits longer than the session timeout
 * without one is evicted from the group. A heartbeat that throws (the group is rebalancing) ends
 * the wait with that error, which the handler lets propagate so kafkajs re-joins at once.
 */
export async function waitWithHeartbeat(promise: Promise<unknown>, heartbeat: () => Promise<void>, everyMs: number): Promise<void> {
  let settled = false;
  const done = promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  while (!settled) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([done, new Promise<void>((resolve) => (timer = setTimeout(resolve, everyMs)))]);
    clearTimeout(timer);
    if (!settled) await heartbeat();
  }
}
