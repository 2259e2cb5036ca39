import { sleep } from '../../../shared/util/sleep.js';

export interface FaultOutcome {
  readonly fault: string;
  /** From the end of the fault (service back) until a login committed after it reached its sink. */
  readonly recoveryMs: number;
}

/**
 * Runs one fault (`inject` returns when the fault is over: the service is back or the outage ends),
 * then measures recovery: the time from the fault's end until `firstAfter(end)` (a login committed
 * after it) is visible where `visible` looks.
 */
export async function measureFault(
  fault: string,
  inject: () => Promise<void>,
  recovery: { firstAfter: (at: number) => Promise<string>; visible: (txid: string) => Promise<boolean>; timeoutMs?: number },
  log: (line: string) => void,
): Promise<FaultOutcome> {
  log(`fault: ${fault}`);
  await inject();
  const ended = Date.now();
  const txid = await recovery.firstAfter(ended);
  const deadline = ended + (recovery.timeoutMs ?? 180_000);
  while (!(await recovery.visible(txid))) {
    if (Date.now() > deadline) throw new Error(`${fault}: login ${txid}, committed after the fault ended, never arrived`);
    await sleep(100);
  }
  const recoveryMs = Date.now() - ended;
  log(`  recovered in ${recoveryMs} ms`);
  return { fault, recoveryMs };
}

/** A random pause in [minMs, maxMs): faults land at random moments of the load. */
export const randomPause = (minMs: number, maxMs: number) => sleep(minMs + Math.random() * (maxMs - minMs));
