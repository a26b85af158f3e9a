/**
 * The head of one destination's queue, mirrored in memory so that cutting
 * the next batch rarely reads the store: reading the queue after every
 * enqueue and after every delivery cost a store transaction (and a copy of
 * every payload) per message. The store stays the record: the mirror is only
 * trusted when it is known to match it, and anything unexpected empties it,
 * so the next batch is read from the store again.
 *
 * It holds either the whole queue (`complete`) or a prefix of it as last
 * read. Items enqueued after a read are appended while it holds the whole
 * queue; items enqueued while a read is out are merged when it lands, by
 * sequence number, whichever side of the read they committed on.
 */
import type { QueuedOutbound } from '../../store/records.js';
import {
  type Batch,
  cutBatch,
  MAX_EDUS_PER_TRANSACTION,
  MAX_PDUS_PER_TRANSACTION,
} from './batch.js';

/** What the mirror says about the next batch. */
export type HeadCut = { batch: Batch } | { empty: true } | { unknown: true };

/** The mirrored head of one destination's queue. */
export class QueueHead {
  private items: QueuedOutbound[] = [];
  /** True when `items` is the whole stored queue, false when a prefix (or unknown). */
  private complete = false;
  /** The highest sequence number the mirror has held; lower new ones mean a race. */
  private highest = 0;
  /** Items enqueued while a read is out; undefined when none is. */
  private arrivals: QueuedOutbound[] | undefined;
  /** Bumped by `forget`: a read that started before it may have missed items. */
  private epoch = 0;

  /** @param cap Items held at most; a longer queue is held as a prefix of this length. */
  constructor(private readonly cap: number) {}

  /**
   * The next batch if the mirror knows it: from the whole queue, or from a
   * prefix whose cut stopped before its end or is full (a limit was hit, so
   * later items cannot change it). A prefix of PEEK_LIMIT items always
   * knows.
   */
  cut(): HeadCut {
    const batch = cutBatch(this.items);
    if (this.complete) return batch === undefined ? { empty: true } : { batch };
    if (batch !== undefined && (batch.seqs.length < this.items.length || isFull(batch))) {
      return { batch };
    }
    return { unknown: true };
  }

  /** A store read of the head starts now; pass the token to `readDone`. */
  readStarted(): number {
    this.arrivals = [];
    return this.epoch;
  }

  /**
   * The read returned `items` (the oldest ones, asked for at most `limit`).
   * Ignored if `forget` was called since it started: the mirror stays unknown.
   */
  readDone(token: number, items: readonly QueuedOutbound[], limit: number): void {
    if (token !== this.epoch) return;
    const arrivals = this.arrivals ?? [];
    this.arrivals = undefined;
    if (items.length >= limit) {
      // A prefix: what arrived meanwhile lies beyond it.
      this.hold([...items], false);
      return;
    }
    const bySeq = new Map<number, QueuedOutbound>();
    for (const item of [...items, ...arrivals]) bySeq.set(item.seq, item);
    this.hold(
      [...bySeq.values()].sort((a, b) => a.seq - b.seq),
      true,
    );
  }

  /** `items` (in sequence order) were committed to the store for this destination. */
  enqueued(items: readonly QueuedOutbound[]): void {
    if (this.arrivals !== undefined) {
      this.arrivals.push(...items);
      return;
    }
    if (!this.complete) return;
    for (const item of items) {
      if (item.seq <= this.highest) {
        // Committed before something already held, yet not held: the mirror
        // missed an interleaving. Read the store again.
        this.forget();
        return;
      }
    }
    this.hold([...this.items, ...items], true);
  }

  /** The items of `seqs` were removed from the store (sent or dropped). */
  removed(seqs: readonly number[]): void {
    const gone = new Set(seqs);
    this.items = this.items.filter((item) => !gone.has(item.seq));
  }

  /** Trusts nothing held: the next cut reads the store. */
  forget(): void {
    this.epoch++;
    this.items = [];
    this.complete = false;
    this.arrivals = undefined;
  }

  private hold(items: QueuedOutbound[], complete: boolean): void {
    this.complete = complete && items.length <= this.cap;
    this.items = items.length > this.cap ? items.slice(0, this.cap) : items;
    const last = items.at(-1);
    if (last !== undefined && last.seq > this.highest) this.highest = last.seq;
  }
}

/** True when nothing more fits in `batch`. */
function isFull(batch: Batch): boolean {
  return (
    batch.pdus.length === MAX_PDUS_PER_TRANSACTION && batch.edus.length === MAX_EDUS_PER_TRANSACTION
  );
}
