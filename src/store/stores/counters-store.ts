/** Monotonic counters; today the stream order that places events in timelines. */
import type { ObjectStore } from '../schema.js';

/** The `counters` object store with its domain verbs. */
export class CountersStore {
  constructor(private readonly store: ObjectStore<'counters'>) {}

  /** The last stream order handed out (0 before the first event). */
  async streamPosition(): Promise<number> {
    return (await this.store.get('stream')) ?? 0;
  }

  /**
   * Allocates the next stream order. Read and increment run in the caller's
   * read-write transaction, which IndexedDB serialises, so no two writes share one.
   */
  async nextStreamOrder(): Promise<number> {
    return this.reserveStreamOrders(1);
  }

  /**
   * Allocates `count` consecutive stream orders and returns the first: one read
   * and one write for a whole batch instead of two requests per event.
   */
  async reserveStreamOrders(count: number): Promise<number> {
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new RangeError(`Reserve at least one stream order, got ${count}`);
    }
    const first = (await this.streamPosition()) + 1;
    await this.store.put(first + count - 1, 'stream');
    return first;
  }
}
