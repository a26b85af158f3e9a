/**
 * The persisted outbound queue. Sequence numbers come from an auto-increment key,
 * so they are global, increasing and never reused; per destination they give the
 * send order, which survives a closed tab.
 */
import type { ServerName } from '../../core/ids.js';
import type { OutboundItem, QueuedOutbound } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** The `outbound` object store with its domain verbs. */
export class OutboundStore {
  constructor(private readonly store: ObjectStore<'outbound'>) {}

  /** Appends an item to its destination's queue and returns its sequence number. */
  enqueue(item: OutboundItem): Promise<number> {
    return this.store.add(item);
  }

  /** The oldest `limit` items queued for `destination`, in send order. */
  async peek(destination: ServerName, limit: number): Promise<QueuedOutbound[]> {
    // Two bulk reads in one transaction instead of a cursor step per item (a
    // cursor over equal index keys is the slow path in IndexedDB
    // implementations). Equal index keys are ordered by primary key, the
    // sequence order, so the two lists line up.
    const index = this.store.index('byDestination');
    const [values, seqs] = await Promise.all([
      index.getAll(destination, limit),
      index.getAllKeys(destination, limit),
    ]);
    return values.map((value, i) => ({ ...value, seq: seqs[i]! }));
  }

  /** Removes sent items by sequence number (unknown numbers are ignored). */
  async remove(seqs: readonly number[]): Promise<void> {
    // Keys are integers, so a run of consecutive numbers holds nothing else
    // and goes in one ranged delete; all requests are issued at once, so the
    // transaction runs them without an event-loop round trip between each.
    const sorted = [...seqs].sort((a, b) => a - b);
    const requests: Promise<void>[] = [];
    for (let i = 0; i < sorted.length; ) {
      let j = i;
      while (j + 1 < sorted.length && sorted[j + 1]! - sorted[j]! <= 1) j++;
      const [low, high] = [sorted[i]!, sorted[j]!];
      requests.push(this.store.delete(low === high ? low : IDBKeyRange.bound(low, high)));
      i = j + 1;
    }
    await Promise.all(requests);
  }

  /** Destinations with anything queued, so a reopened node knows whom to resume. */
  async destinations(): Promise<ServerName[]> {
    const found: ServerName[] = [];
    let cursor = await this.store.index('byDestination').openKeyCursor(null, 'nextunique');
    while (cursor !== null) {
      found.push(cursor.key as ServerName);
      cursor = await cursor.continue();
    }
    return found;
  }

  /** How many items wait for `destination`. */
  count(destination: ServerName): Promise<number> {
    return this.store.index('byDestination').count(destination);
  }
}
