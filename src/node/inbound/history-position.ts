/**
 * Where backfilled history goes in a room's timeline: below the oldest
 * stream order the room holds. Stream orders are a global counter, so the
 * oldest of one room is found by bisecting with one-event timeline pages
 * (each a cursor opened on the room's stream index): about 50 cheap requests
 * in one read transaction, however long the room.
 */
import type { RoomId } from '../../core/ids.js';
import type { Store } from '../../store/store.js';

/** The lowest stream order of the room's timeline, or undefined when it has none. */
export function oldestStreamOrder(store: Store, roomId: RoomId): Promise<number | undefined> {
  return store.read(['events'], async (txn) => {
    const newest = (await txn.events.timeline(roomId, { limit: 1 })).events[0]?.streamOrder;
    if (newest === undefined) return undefined;
    // Invariant: no order < lo; some order < hi.
    let lo = Number.MIN_SAFE_INTEGER;
    let hi = newest + 1;
    while (hi - lo > 1) {
      const mid = Math.floor(lo / 2 + hi / 2);
      const found = (await txn.events.timeline(roomId, { before: mid, limit: 1 })).events[0];
      if (found?.streamOrder === undefined) lo = mid;
      else hi = found.streamOrder + 1;
    }
    return lo;
  });
}
