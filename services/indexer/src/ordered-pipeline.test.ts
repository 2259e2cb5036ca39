import { describe, expect, it } from 'vitest';
import { AFTER_EARLIER_FAILURE, OrderedPipeline } from './ordered-pipeline.js';

/** A promise settled from outside. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: unknown) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('OrderedPipeline', () => {
  it('runs at most maxInFlight units at once, started in order, and submit resolves when a unit has its slot', async () => {
    const pipeline = new OrderedPipeline(2, () => {});
    const works = [deferred(), deferred(), deferred()];
    const running: number[] = [];
    const started = works.map((work, n) => pipeline.submit(async () => (running.push(n), work.promise), async () => {}));
    let thirdStarted = false;
    void started[2]!.then(() => (thirdStarted = true));
    await tick();
    expect(running).toEqual([0, 1]);
    expect(pipeline.queued).toBe(1);
    expect(thirdStarted).toBe(false);
    works[1]!.resolve();
    await tick();
    expect(running).toEqual([0, 1, 2]);
    expect(thirdStarted).toBe(true);
    works[0]!.resolve();
    works[2]!.resolve();
    await pipeline.drain();
    expect(pipeline.pending).toBe(0);
  });

  it('acknowledges in submission order whatever order the work finishes in', async () => {
    const pipeline = new OrderedPipeline(3, () => {});
    const works = [deferred<string>(), deferred<string>(), deferred<string>()];
    const acknowledged: string[] = [];
    for (const work of works) void pipeline.submit(() => work.promise, async (result) => void acknowledged.push(result));
    works[2]!.resolve('c');
    works[1]!.resolve('b');
    await tick();
    expect(acknowledged).toEqual([]);
    works[0]!.resolve('a');
    await pipeline.drain();
    expect(acknowledged).toEqual(['a', 'b', 'c']);
  });

  it('after a failure acknowledges nothing later, reports the first failure once, and drain rejects', async () => {
    const errors: unknown[] = [];
    const pipeline = new OrderedPipeline(3, (error) => errors.push(error));
    const acknowledged: number[] = [];
    const boom = new Error('bulk failed for good');
    void pipeline.submit(async () => 0, async (n) => void acknowledged.push(n));
    void pipeline.submit(async () => {
      throw boom;
    }, async () => void acknowledged.push(1));
    void pipeline.submit(async () => 2, async (n) => void acknowledged.push(n));
    void pipeline.submit(async () => {
      throw new Error('a second failure');
    }, async () => {});
    // The last unit failed on its own; only the first failure is reported.
    await expect(pipeline.drain()).rejects.toThrow('a second failure');
    await tick();
    expect(acknowledged).toEqual([0]);
    expect(errors).toEqual([boom]);
    // A unit whose work succeeded after the failure is not acknowledged either.
    void pipeline.submit(async () => 4, async (n) => void acknowledged.push(n));
    await expect(pipeline.drain()).rejects.toBe(AFTER_EARLIER_FAILURE);
    expect(acknowledged).toEqual([0]);
    expect(errors).toEqual([boom]);
  });

  it('a failed acknowledgement counts as a failure too (the position was not saved)', async () => {
    const errors: unknown[] = [];
    const pipeline = new OrderedPipeline(1, (error) => errors.push(error));
    const saveFailed = new Error('checkpoint not saved');
    void pipeline.submit(async () => 1, async () => {
      throw saveFailed;
    });
    await expect(pipeline.drain()).rejects.toBe(saveFailed);
    await tick();
    expect(errors).toEqual([saveFailed]);
  });
});
