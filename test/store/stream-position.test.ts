import { describe, expect, it } from 'vitest';
import { StoreConflictError } from '../../src/store/errors.js';
import type { Store } from '../../src/store/store.js';
import { freshFactory, open } from './helpers.js';

/** Allocates `count` orders in a write of its own; resolves with the first. */
function allocate(store: Store, count: number): Promise<number> {
  return store.write(['counters'], async (txn) => {
    const { first, written } = await txn.counters.allocateStreamOrders(count);
    await written;
    return first;
  });
}

const position = (store: Store) => store.read(['counters'], (txn) => txn.counters.streamPosition());

describe('stream order allocation', () => {
  it('hands out consecutive orders, from memory after the first read, in the order writes open', async () => {
    const store = await open(freshFactory());
    expect(await allocate(store, 3)).toBe(1);
    // Opened together: allocated in the order the writes were opened.
    const firsts = await Promise.all([allocate(store, 2), allocate(store, 1), allocate(store, 5)]);
    expect(firsts).toEqual([4, 6, 7]);
    expect(await position(store)).toBe(11);
  });

  it('a write that aborts leaves a gap, never a reuse', async () => {
    const store = await open(freshFactory());
    await allocate(store, 1);
    await expect(
      store.write(['counters'], async (txn) => {
        await txn.counters.allocateStreamOrders(4);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await position(store)).toBe(1);
    expect(await allocate(store, 1)).toBe(6);
    expect(await position(store)).toBe(6);
  });

  it('a second store on the same database is caught, rolled back, and the next write reads again', async () => {
    const factory = freshFactory();
    const one = await open(factory, 'tidepool-two-writers');
    const two = await open(factory, 'tidepool-two-writers');
    expect(await allocate(one, 1)).toBe(1);
    expect(await allocate(two, 2)).toBe(2);
    // `one` still believes 1 is the last: its next write is refused, nothing stored.
    await expect(allocate(one, 1)).rejects.toBeInstanceOf(StoreConflictError);
    expect(await position(one)).toBe(3);
    expect(await allocate(one, 1)).toBe(4);
  });

  it('the first allocation after opening reads what was stored before', async () => {
    const factory = freshFactory();
    const before = await open(factory, 'tidepool-reopen');
    await allocate(before, 7);
    before.close();
    const after = await open(factory, 'tidepool-reopen');
    expect(await allocate(after, 1)).toBe(8);
  });
});
