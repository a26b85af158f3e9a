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
    const items: QueuedOutbound[] = [];
    // Equal index keys iterate in primary-key order: the sequence order.
    let cursor = await this.store.index('byDestination').openCursor(destination);
    while (cursor !== null && items.length < limit) {
      items.push({ ...cursor.value, seq: cursor.primaryKey });
      if (items.length < limit) cursor = await cursor.continue();
    }
    return items;
  }

  /** Removes sent items by sequence number (unknown numbers are ignored). */
  async remove(seqs: readonly number[]): Promise<void> {
    for (const seq of seqs) await this.store.delete(seq);
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
