/** Per-room summary: version, forward extremities, current state, stream position. */
import type { RoomId } from '../../core/ids.js';
import type { RoomRecord } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** The `rooms` object store with its domain verbs. */
export class RoomsStore {
  constructor(private readonly store: ObjectStore<'rooms'>) {}

  /** The room's record, or undefined if this node is not in it. */
  get(roomId: RoomId): Promise<RoomRecord | undefined> {
    return this.store.get(roomId);
  }

  /** Creates or replaces the room's record. */
  async put(record: RoomRecord): Promise<void> {
    await this.store.put(record);
  }

  /** Every room this node knows, in room ID order. */
  all(): Promise<RoomRecord[]> {
    return this.store.getAll();
  }

  /** Every room's ID (keys only: no record is read). */
  ids(): Promise<RoomId[]> {
    return this.store.getAllKeys();
  }
}
