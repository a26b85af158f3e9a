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
import type { TimelineItem } from './api.js';

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
  /**
   * The room's newest timeline item as the last write gave it (the room list
   * shows it after every message); undefined when it must be read.
   */
  newest?: TimelineItem;
}

/** What a write did to a room's newest item: left it, or made it `item` (undefined: unknown). */
export type NewestChange = 'kept' | { item: TimelineItem | undefined };

/** Lazily loaded RoomCaches, one per room. */
export class RoomCaches {
  private readonly loaded = new Map<RoomId, Promise<RoomCache | undefined>>();
  /** Loaded rooms whose record (not state) may be behind the store: see `refresh`. */
  private readonly stale = new Set<RoomId>();
  /** While a stale record is read again: the cache before, whose state is right. */
  private readonly stateValid = new Map<RoomId, Promise<RoomCache | undefined>>();

  constructor(private readonly store: Store) {}

  /** The room's cache, or undefined if this node has no such room. */
  get(roomId: RoomId): Promise<RoomCache | undefined> {
    let cache = this.loaded.get(roomId);
    if (cache !== undefined && this.stale.has(roomId)) return this.refreshed(roomId, cache);
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

  /**
   * For readers of the state alone (names, members, state events, the room's
   * ID and version): a cache whose record is stale (`refresh`) still has the
   * right state, so it is given as is, with no read. Its record must not be used.
   */
  getState(roomId: RoomId): Promise<RoomCache | undefined> {
    return this.stateValid.get(roomId) ?? this.loaded.get(roomId) ?? this.get(roomId);
  }

  /** `getState`, or MatrixError M_NOT_FOUND in words. */
  async requireState(roomId: string): Promise<RoomCache> {
    const cache = await this.getState(roomId as RoomId);
    if (cache === undefined) throw notInRoom(roomId);
    return cache;
  }

  /** The room's cache, or MatrixError M_NOT_FOUND in words. */
  async require(roomId: string): Promise<RoomCache> {
    const cache = await this.get(roomId as RoomId);
    if (cache === undefined) throw notInRoom(roomId);
    return cache;
  }

  /**
   * The room's record: from memory when its cache is loaded and not stale
   * (every writer of a room record moves or drops the cache after its
   * commit), else read. The inbound path asks for it first on every batch.
   */
  async record(roomId: RoomId): Promise<RoomRecord | undefined> {
    const loaded = this.stale.has(roomId) ? undefined : this.loaded.get(roomId);
    const cache = loaded === undefined ? undefined : await loaded.catch(() => undefined);
    if (cache !== undefined) return cache.record;
    return this.store.read(['rooms'], (txn) => txn.rooms.get(roomId));
  }

  /** Installs the cache of a room just created (its state is all in memory already). */
  install(cache: RoomCache): void {
    this.stale.delete(cache.record.roomId);
    this.stateValid.delete(cache.record.roomId);
    this.loaded.set(cache.record.roomId, Promise.resolve(cache));
  }

  /**
   * Brings a loaded room's cache up to date after someone other than the
   * local user wrote the room (inbound events). When the room's state group
   * did not move (messages only), the state in memory is still right and
   * only the record and head depth are read again: one small read instead of
   * the whole state, on every incoming message's path. Lazily, like a load:
   * the read happens when the room is next asked for.
   */
  refresh(roomId: RoomId): void {
    if (this.loaded.has(roomId)) this.stale.add(roomId);
  }

  /**
   * A loaded room's record moved on to `record` (written by someone other
   * than the local user, the state unchanged), its heads now at `depth`:
   * the cache takes them as they were written, with no read at all.
   */
  moveRecord(roomId: RoomId, record: RoomRecord, depth: number, newest: NewestChange): void {
    const old = this.loaded.get(roomId);
    if (old === undefined) return;
    this.stale.delete(roomId);
    const next = old.then((cache) =>
      cache === undefined || cache.record.stateGroup !== record.stateGroup
        ? loadRoomCache(this.store, roomId)
        : { ...cache, record, depth, newest: newest === 'kept' ? cache.newest : newest.item },
    );
    this.loaded.set(roomId, next);
    const forget = () => this.loaded.get(roomId) === next && this.loaded.delete(roomId);
    next.then((found) => found === undefined && forget(), forget);
  }

  /** Replaces a stale room's cache promise with one that reads the record again. */
  private refreshed(roomId: RoomId, old: Promise<RoomCache | undefined>) {
    this.stale.delete(roomId);
    this.stateValid.set(roomId, old);
    const next = old.then((cache) =>
      cache === undefined ? loadRoomCache(this.store, roomId) : reloadRoomCache(this.store, cache),
    );
    this.loaded.set(roomId, next);
    // As in `get`: forget failures and unknown rooms, unless something newer came since.
    const forget = () => this.loaded.get(roomId) === next && this.loaded.delete(roomId);
    next.then((found) => found === undefined && forget(), forget);
    const settled = () => this.stateValid.get(roomId) === old && this.stateValid.delete(roomId);
    next.then(settled, settled);
    return next;
  }

  /** Drops a room's cache: whoever writes the room other than the local user must call this. */
  invalidate(roomId: RoomId): void {
    this.stale.delete(roomId);
    this.stateValid.delete(roomId);
    this.loaded.delete(roomId);
  }
}

/** The error for a room this node does not know. */
export function notInRoom(roomId: string): MatrixError {
  return new MatrixError('M_NOT_FOUND', `You are not in a room with ID ${roomId}`);
}

/**
 * `cache` with the room's record and head depth read again, if its state
 * group is unchanged; otherwise the whole cache loaded again.
 */
async function reloadRoomCache(store: Store, cache: RoomCache): Promise<RoomCache | undefined> {
  const roomId = cache.record.roomId;
  const fresh = await store.read(['rooms', 'events'], async (txn) => {
    const record = await txn.rooms.get(roomId);
    if (record === undefined || record.stateGroup !== cache.record.stateGroup) return undefined;
    const heads = await Promise.all(record.heads.map((id) => txn.events.get(id)));
    return { record, depth: Math.max(0, ...heads.map((head) => head?.depth ?? 0)) };
  });
  if (fresh === undefined) return loadRoomCache(store, roomId);
  // Someone wrote the room: its newest item is read again when asked for.
  return { ...cache, record: fresh.record, depth: fresh.depth, newest: undefined };
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
