/** Monotonic counters; today the stream order that places events in timelines. */
import { StoreConflictError } from '../errors.js';
import type { ObjectStore } from '../schema.js';

/**
 * One database's stream position as last allocated, kept in memory across
 * transactions by the Store that owns it (the node's worker holds the
 * database under a Web Lock, so no one else allocates). It spares every
 * write that places events a round trip to the database before its first
 * event can be written.
 */
export class StreamPositionCache {
  /** The last stream order allocated; undefined until read once. */
  known: number | undefined;
  /** Allocations waiting for the stored position: until they have it, nothing is taken from memory. */
  pending = 0;
}

/** Stream orders allocated in a transaction. */
export interface Allocation {
  /** The first of the consecutive orders. */
  first: number;
  /** The counter's write (and check); add it to what the transaction awaits before it ends. */
  written: Promise<void>;
}

/** The `counters` object store with its domain verbs. */
export class CountersStore {
  constructor(
    private readonly store: ObjectStore<'counters'>,
    private readonly cache: StreamPositionCache = new StreamPositionCache(),
  ) {}

  /** The last stream order handed out (0 before the first event). */
  async streamPosition(): Promise<number> {
    return (await this.store.get('stream')) ?? 0;
  }

  /**
   * Allocates `count` consecutive stream orders. Call it first in the
   * transaction, before anything else is awaited: read-write transactions
   * over `counters` run in the order they were opened, and memory hands
   * out orders in the order of these calls, so the two orders must agree.
   * From memory the answer needs no read; the stored position is still read
   * alongside, and `written` rejects with StoreConflictError (aborting the
   * write) if someone else moved it on.
   */
  async allocateStreamOrders(count: number): Promise<Allocation> {
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new RangeError(`Allocate at least one stream order, got ${count}`);
    }
    const cache = this.cache;
    if (cache.known !== undefined && cache.pending === 0) {
      const first = cache.known + 1;
      cache.known = first + count - 1;
      const checked = handled(
        this.store.get('stream').then((stored) => {
          if ((stored ?? 0) >= first) {
            cache.known = undefined;
            throw new StoreConflictError();
          }
        }),
      );
      const put = this.store.put(first + count - 1, 'stream');
      return { first, written: handled(Promise.all([checked, put]).then(() => undefined)) };
    }
    cache.pending++;
    let first: number;
    try {
      first = (await this.streamPosition()) + 1;
    } finally {
      cache.pending--;
    }
    cache.known = Math.max(cache.known ?? 0, first + count - 1);
    const written = handled(this.store.put(first + count - 1, 'stream').then(() => undefined));
    return { first, written };
  }

  /** `allocateStreamOrders`, its write awaited: for a transaction that places nothing else. */
  async reserveStreamOrders(count: number): Promise<number> {
    const { first, written } = await this.allocateStreamOrders(count);
    await written;
    return first;
  }

  /** Allocates the next stream order (see `allocateStreamOrders`). */
  async nextStreamOrder(): Promise<number> {
    return this.reserveStreamOrders(1);
  }
}

/**
 * `promise`, with a handler already attached: a write that fails for another
 * reason aborts the transaction, and this request's AbortError must not then
 * be reported as unhandled. Whoever awaits it still sees the rejection.
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
