import { describe, expect, it } from 'vitest';
import { OffsetLedger } from './offset-ledger.js';

describe('OffsetLedger', () => {
  it('offers the highest acknowledged offset per owned partition until it is committed', () => {
    const ledger = new OffsetLedger();
    ledger.assign([0, 1]);
    ledger.acknowledge(new Map([[0, 10n], [1, 5n]]));
    ledger.acknowledge(new Map([[0, 20n]]));
    expect(ledger.committable()).toEqual([
      { partition: 0, offset: '20' },
      { partition: 1, offset: '5' },
    ]);
    ledger.markCommitted([{ partition: 0, offset: '20' }]);
    expect(ledger.committable()).toEqual([{ partition: 1, offset: '5' }]);
  });

  it('keeps a failed commit pending so the next commit carries it, and never goes backwards', () => {
    const ledger = new OffsetLedger();
    ledger.assign([0]);
    ledger.acknowledge(new Map([[0, 30n]]));
    ledger.acknowledge(new Map([[0, 12n]]));
    expect(ledger.committable()).toEqual([{ partition: 0, offset: '30' }]);
    // A commit of an older offset (sent before) does not clear the newer pending one.
    ledger.markCommitted([{ partition: 0, offset: '12' }]);
    expect(ledger.committable()).toEqual([{ partition: 0, offset: '30' }]);
  });

  it('forgets partitions lost in a rebalance and ignores acknowledgements for them', () => {
    const ledger = new OffsetLedger();
    ledger.assign([0, 1, 2]);
    ledger.acknowledge(new Map([[0, 7n], [2, 9n]]));
    ledger.assign([1, 2]);
    ledger.acknowledge(new Map([[0, 50n], [1, 3n]]));
    expect(ledger.assigned).toEqual([1, 2]);
    expect(ledger.committable()).toEqual([
      { partition: 2, offset: '9' },
      { partition: 1, offset: '3' },
    ]);
  });
});
