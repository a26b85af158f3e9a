import type { TimelineItem, TimelinePage } from '../node/api.js';
import { lowerBound, type Merged, mergePage } from './timeline-merge.js';

/**
 * The part of a room's timeline the view holds: a bounded, contiguous run of
 * items in stream order, with tokens to read what lies beyond either end.
 * Older items are read with the node's token (`older`); items dropped from
 * the newer end are remembered as chunks (the token just above each and how
 * many it held), read again when the reader scrolls back down. Every
 * operation costs what it adds or drops, never the room's size. Pure: the
 * view does the reading, the measuring and the rendering.
 */

/** Items dropped from the newer end: `count` items below the token `from`. */
export interface NewerChunk {
  /** A timeline token: the chunk is the items with a stream order below it. */
  from: string;
  /** How many items the chunk held (a page of `count + 1` reaches the window). */
  count: number;
}

/** Which stream orders must stay because the reader sees them (or is about to). */
export interface KeepRange {
  /** Items at or after this stream order stay (on screen, or just above it). */
  from: number;
  /** Items at or before this stream order stay (on screen, or just below it). */
  until: number;
}

/** What a trim took away. */
export interface Dropped {
  older: TimelineItem[];
  newer: TimelineItem[];
}

export class TimelineWindow {
  /** The items held, oldest first (ascending stream order), hidden ones included. */
  items: TimelineItem[] = [];
  /** The token to read items older than the window; undefined when the node has none. */
  older?: string;
  /** Chunks between the window and the room's newest item; the last is the nearest. */
  readonly newer: NewerChunk[] = [];
  /** The newest stream order known in the room (the live end). */
  liveEdge = -1;

  /** True when the window reaches the room's newest item, so new events join it. */
  get live(): boolean {
    return this.newer.length === 0;
  }

  /** Starts over from the newest page of the room. */
  reset(page: TimelinePage): void {
    this.items = page.items.toReversed();
    this.older = page.next;
    this.newer.length = 0;
    this.liveEdge = this.items.at(-1)?.streamOrder ?? -1;
  }

  /**
   * Puts an older page (newest first, read with `older`) before the items.
   * Returns the items it added.
   */
  prepend(page: TimelinePage): TimelineItem[] {
    const first = this.items[0];
    const fresh = first ? page.items.filter((i) => i.streamOrder < first.streamOrder) : page.items;
    const added = fresh.toReversed();
    this.items = added.concat(this.items);
    this.older = page.next;
    if (this.items.length > 0 && this.live) {
      this.liveEdge = Math.max(this.liveEdge, (this.items.at(-1) as TimelineItem).streamOrder);
    }
    return added;
  }

  /**
   * Merges items read again or newly arrived (a page, newest first): held items
   * are replaced by changed readings; new ones are inserted in stream order,
   * except those beyond a newer end the window does not reach.
   */
  merge(page: readonly TimelineItem[]): Merged {
    const newest = this.items.at(-1)?.streamOrder ?? Number.NEGATIVE_INFINITY;
    const fits = this.live ? page : page.filter((item) => item.streamOrder <= newest);
    const merged = mergePage(this.items, fits);
    if (merged.added.length > 0 || merged.replaced > 0) this.items = merged.items;
    if (this.live) this.liveEdge = Math.max(this.liveEdge, this.items.at(-1)?.streamOrder ?? -1);
    return merged;
  }

  /**
   * Events newer than the window that it does not take in now (a page, newest
   * first, all newer than `liveEdge` down to it, or a gap below): remembered
   * as a chunk to read when the reader gets there. The window then no longer
   * reaches the live end.
   */
  noteArrivals(page: readonly TimelineItem[]): void {
    const fresh = page.filter((item) => item.streamOrder > this.liveEdge);
    const newest = fresh[0];
    if (!newest) return;
    this.newer.unshift({ from: String(newest.streamOrder + 1), count: fresh.length });
    this.liveEdge = newest.streamOrder;
  }

  /**
   * Applies a page read with the nearest newer chunk (`chunk`, which must still
   * be the nearest; read with a limit of `count + 1`, so it reaches the window
   * when nothing came between). When it reaches the window, its oldest `max`
   * items are appended and the rest stays a chunk; otherwise the part read
   * becomes its own chunk and the rest (below it) is read next. Returns the
   * items appended.
   */
  takeNewer(chunk: NewerChunk, page: TimelinePage, max: number): TimelineItem[] {
    if (this.newer.at(-1) !== chunk) return [];
    const newest = this.items.at(-1)?.streamOrder ?? Number.NEGATIVE_INFINITY;
    const above = page.items.filter((item) => item.streamOrder > newest);
    const reached = above.length < page.items.length || page.next === undefined;
    this.newer.pop();
    if (!reached) {
      const oldest = above.at(-1) as TimelineItem;
      this.newer.push({ from: chunk.from, count: above.length });
      this.newer.push({ from: String(oldest.streamOrder), count: chunk.count });
      return [];
    }
    const ascending = above.toReversed();
    const added = ascending.slice(0, Math.max(1, max));
    const rest = ascending.length - added.length;
    if (rest > 0) this.newer.push({ from: chunk.from, count: rest });
    this.items = this.items.concat(added);
    return added;
  }

  /**
   * Brings the window down to `max` items, keeping `keep` (what the reader
   * sees), by dropping from `end`: the end that moves away from the reader
   * (never the one just read, which would only be read again), or `either`,
   * the one with more to spare first. Dropped newer items become a chunk;
   * dropped older ones move the token.
   */
  trim(max: number, keep: KeepRange, end: 'older' | 'newer' | 'either'): Dropped {
    const dropped: Dropped = { older: [], newer: [] };
    let excess = this.items.length - max;
    if (excess <= 0) return dropped;
    const spareOlder = lowerBound(this.items, keep.from);
    const spareNewer = this.items.length - lowerBound(this.items, keep.until + 1);
    const ends =
      end === 'either'
        ? spareOlder > spareNewer
          ? (['older', 'newer'] as const)
          : (['newer', 'older'] as const)
        : [end];
    for (const side of ends) {
      const count = Math.min(excess, side === 'older' ? spareOlder : spareNewer);
      if (count <= 0) continue;
      if (side === 'older') dropped.older = this.dropOldest(count);
      else dropped.newer = this.dropNewest(count);
      excess -= count;
    }
    return dropped;
  }

  /** Drops the `count` oldest items; the token then reads them again. */
  dropOldest(count: number): TimelineItem[] {
    if (count <= 0) return [];
    const gone = this.items.slice(0, count);
    this.items = this.items.slice(count);
    const first = this.items[0];
    if (first) this.older = String(first.streamOrder);
    return gone;
  }

  /** Drops the `count` newest items, remembered as the nearest newer chunk. */
  dropNewest(count: number): TimelineItem[] {
    if (count <= 0 || count >= this.items.length) return [];
    const gone = this.items.slice(this.items.length - count);
    this.items = this.items.slice(0, this.items.length - count);
    const newest = gone.at(-1) as TimelineItem;
    this.newer.push({ from: String(newest.streamOrder + 1), count });
    return gone;
  }
}
