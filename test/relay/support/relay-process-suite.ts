import { afterAll, beforeAll } from 'vitest';
import { createRelayTestContext, type RelayTestContext } from './relay-harness.js';
import { RelayProcess } from './relay-process.js';

export interface RelayProcessSuite {
  /** The suite's database, topic and settings (created before all its tests). */
  readonly context: RelayTestContext;
  /** Every relay process started through start(), in order. */
  readonly processes: readonly RelayProcess[];
  /** Starts a built relay (RelayProcess.start) and tracks it, so it cannot outlive the suite. */
  start(env: Record<string, string>, options?: { timeoutMs?: number }): Promise<RelayProcess>;
}

/**
 * Registers the hooks of a suite that runs built relay processes: a fresh RelayTestContext before
 * all, and after all every process it started killed and the context cleaned up.
 */
export function relayProcessSuite(): RelayProcessSuite {
  let context: RelayTestContext | undefined;
  const processes: RelayProcess[] = [];
  beforeAll(async () => {
    context = await createRelayTestContext();
  });
  afterAll(async () => {
    for (const relay of processes) await relay.destroy();
    await context?.cleanup();
  });
  return {
    get context(): RelayTestContext {
      if (context === undefined) throw new Error('the relay test context is created in beforeAll');
      return context;
    },
    processes,
    start: async (env, options) => {
      const relay = await RelayProcess.start(env, options);
      processes.push(relay);
      return relay;
    },
  };
}
