/**
 * The node's in-memory view of each room's current state: the state map, the
 * state events themselves, the room record and the depth of its heads. Loaded
 * lazily from the store the first time a room is touched (opening the node
 * reads only room records), then kept in step by the node after each commit,
 * so a send never re-reads state from IndexedDB.
 *
 * One promise per room: a reader and a writer that ask at the same time share
 * one load, so a load can never overwrite what a later commit installed.
 */
import { MatrixError } from '../core/errors.js';
import type { EventId, RoomId } from '../core/ids.js';
import type { Pdu, StateKey } from '../core/pdu.js';
import { type RoomVersionRules, roomVersionRules } from '../core/room-versions.js';
import type { RoomRecord } from '../store/records.js';
import type { Store } from '../store/store.js';

/** A room's current state, held in memory. */
export interface RoomCache {
  record: RoomRecord;
  rules: RoomVersionRules;
  /** (type, state key) → event ID, the state after the heads. */
  state: Map<StateKey, EventId>;
  /** The events `state` names. */
  events: Map<EventId, Pdu>;
  /** The greatest depth among the heads: the next event's depth is one more. */
  depth: number;
}

/** Lazily loaded RoomCaches, one per room. */
export class RoomCaches {
  private readonly loaded = new Map<RoomId, Promise<RoomCache | undefined>>();

  constructor(private readonly store: Store) {}

  /** The room's cache, or undefined if this node has no such room. */
  get(roomId: RoomId): Promise<RoomCache | undefined> {
    let cache = this.loaded.get(roomId);
    if (cache === undefined) {
      cache = loadRoomCache(this.store, roomId);
      this.loaded.set(roomId, cache);
      // Forget failures and unknown rooms, so a later call tries again.
      cache.then(
        (found) => found === undefined && this.loaded.delete(roomId),
        () => this.loaded.delete(roomId),
      );
    }
    return cache;
  }

  /** The room's cache, or MatrixError M_NOT_FOUND in words. */
  async require(roomId: string): Promise<RoomCache> {
    const cache = await this.get(roomId as RoomId);
    if (cache === undefined) throw notInRoom(roomId);
    return cache;
  }

  /** Installs the cache of a room just created (its state is all in memory already). */
  install(cache: RoomCache): void {
    this.loaded.set(cache.record.roomId, Promise.resolve(cache));
  }

  /** Drops a room's cache: whoever writes the room other than the local user must call this. */
  invalidate(roomId: RoomId): void {
    this.loaded.delete(roomId);
  }
}

/** The error for a room this node does not know. */
export function notInRoom(roomId: string): MatrixError {
  return new MatrixError('M_NOT_FOUND', `You are not in a room with ID ${roomId}`);
}

/** Reads one room's record, current state and head depth in one read transaction. */
async function loadRoomCache(store: Store, roomId: RoomId): Promise<RoomCache | undefined> {
  return store.read(['rooms', 'stateGroups', 'events'], async (txn) => {
    const record = await txn.rooms.get(roomId);
    if (record === undefined) return undefined;
    const state = await txn.stateGroups.resolve(record.stateGroup);
    // Issue every get at once: IndexedDB queues them, and one round trip is enough.
    const ids = [...new Set(state.values())];
    const [stateRecords, headRecords] = await Promise.all([
      Promise.all(ids.map((id) => txn.events.get(id))),
      Promise.all(record.heads.map((id) => txn.events.get(id))),
    ]);
    const events = new Map<EventId, Pdu>();
    stateRecords.forEach((found, i) => {
      if (found === undefined)
        throw new MatrixError('M_UNKNOWN', `State event ${ids[i]} is missing`);
      events.set(found.eventId, found.pdu);
    });
    const depth = Math.max(0, ...headRecords.map((head) => head?.depth ?? 0));
    return { record, rules: roomVersionRules(record.roomVersion), state, events, depth };
  });
}
