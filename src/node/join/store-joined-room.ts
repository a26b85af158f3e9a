/**
 * Storing a room this node joined through another server (send_join): ONE
 * write with the verified state and auth chain as outliers (known events with
 * no place in our graph: no stream order, no state group), a snapshot state
 * group holding the state after our join, the join itself as an accepted
 * timeline event on that group, and the room record with the join as its one
 * head. Everything was verified before (src/federation/join/), so only
 * IndexedDB requests are awaited inside: a failure stores nothing.
 */
import type { EventId, RoomId } from '../../core/ids.js';
import { type Pdu, type StateKey, stateKeyOf } from '../../core/pdu.js';
import type { EventRecord, RoomRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/** A verified send_join answer, ready to store. */
export interface JoinedRoom {
  roomId: RoomId;
  roomVersion: string;
  /** Our join event, signed (by the resident too when it added its signature). */
  join: { eventId: EventId; pdu: Pdu };
  /** The room state before the join: (type, state key) → event ID. */
  stateBefore: Map<StateKey, EventId>;
  /** Every event of the state and of the auth chain, by ID (the join excluded). */
  events: Map<EventId, Pdu>;
}

const stores = ['events', 'counters', 'stateGroups', 'rooms'] as const;

/**
 * Writes `joined` in one transaction; resolves with the new room record after
 * the commit. Events already stored keep their record (a room we left and
 * rejoin keeps its history as it was judged); the room record is replaced.
 */
export function writeJoinedRoom(store: Store, joined: JoinedRoom): Promise<RoomRecord> {
  const { roomId, join } = joined;
  return store.write(stores, async (txn) => {
    // First, before any other await: see CountersStore.allocateStreamOrders.
    const allocation = await txn.counters.allocateStreamOrders(1);
    const ids = [...joined.events.keys(), join.eventId];
    const known = await Promise.all(ids.map((id) => txn.events.has(id)));
    const stored = new Set(ids.filter((_, i) => known[i]));
    const after = new Map(joined.stateBefore);
    after.set(stateKeyOf('m.room.member', join.pdu.state_key!), join.eventId);
    const group = await txn.stateGroups.create(roomId, undefined, Object.fromEntries(after));
    const streamOrder = allocation.first;
    const writes: Promise<unknown>[] = [settle(allocation.written)];
    for (const [eventId, pdu] of joined.events) {
      if (stored.has(eventId)) continue;
      const record: EventRecord = { eventId, roomId, pdu, depth: pdu.depth, status: 'outlier' };
      writes.push(settle(txn.events.add(record)));
    }
    if (!stored.has(join.eventId)) {
      writes.push(
        settle(
          txn.events.add({
            eventId: join.eventId,
            roomId,
            pdu: join.pdu,
            streamOrder,
            depth: join.pdu.depth,
            status: 'accepted',
            stateGroup: group,
          }),
        ),
      );
    }
    const previous = await txn.rooms.get(roomId);
    const record: RoomRecord = {
      roomId,
      roomVersion: joined.roomVersion,
      heads: [join.eventId],
      stateGroup: group,
      streamPosition: streamOrder,
      unreadCount: previous?.unreadCount ?? 0,
      lastEventId: join.eventId,
    };
    writes.push(settle(txn.rooms.put(record)));
    await Promise.all(writes);
    return record;
  });
}

/** Handles a request's failure at once (no unhandled rejection while others are issued); still rejects. */
function settle<T>(request: Promise<T>): Promise<T> {
  request.catch(() => undefined);
  return request;
}
