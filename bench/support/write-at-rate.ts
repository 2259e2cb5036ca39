/**
 * Calls `write` `rate` times a second for `seconds` (at most `maxInFlight` unanswered at once),
 * telling each call whether it falls after the warm-up and so counts. Resolves once every call has
 * settled, with how many failed and how long the writing took (seconds).
 */
export async function writeAtRate(
  options: { readonly rate: number; readonly seconds: number; readonly warmupSeconds: number; readonly maxInFlight?: number },
  write: (counted: boolean) => Promise<void>,
): Promise<{ errors: number; seconds: number }> {
  const maxInFlight = options.maxInFlight ?? 256;
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let issued = 0;
  let errors = 0;
  while (performance.now() - started < options.seconds * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * options.rate);
    while (issued < due && inFlight.size < maxInFlight) {
      issued += 1;
      const counted = performance.now() - started >= options.warmupSeconds * 1000;
      const promise = write(counted).catch(() => void (errors += 1));
      inFlight.add(promise);
      void promise.finally(() => inFlight.delete(promise));
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await Promise.all(inFlight);
  return { errors, seconds: (performance.now() - started) / 1000 };
}
