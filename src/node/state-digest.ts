/**
 * The digest of a room's current resolved state (see src/core/state-digest.ts),
 * read from the room record's state group in one read transaction.
 */
import type { RoomId } from '../core/ids.js';
import { splitStateKey } from '../core/pdu.js';
import { type StateTriple, stateDigestOf } from '../core/state-digest.js';
import type { Store } from '../store/store.js';
import { notInRoom } from './room-cache.js';

/** The room's current state as `[type, state_key, event_id]` entries. M_NOT_FOUND for an unknown room. */
export function currentStateTriples(store: Store, roomId: string): Promise<StateTriple[]> {
  return store.read(['rooms', 'stateGroups'], async (txn) => {
    const room = await txn.rooms.get(roomId as RoomId);
    if (room === undefined) throw notInRoom(roomId);
    const state = await txn.stateGroups.resolve(room.stateGroup);
    return [...state].map(([key, eventId]): StateTriple => [...splitStateKey(key), eventId]);
  });
}

/** The short digest of the room's current state: equal on two nodes exactly when their state is. */
export async function stateDigest(store: Store, roomId: string): Promise<string> {
  return stateDigestOf(await currentStateTriples(store, roomId));
}
