/** Invites received over federation (v2 invite), one per room. */
import type { RoomId } from '../../core/ids.js';
import type { InviteRecord } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** The `invites` object store with its domain verbs. */
export class InvitesStore {
  constructor(private readonly store: ObjectStore<'invites'>) {}

  /** Keeps `invite`; a newer invite to the same room replaces the older one. */
  async put(invite: InviteRecord): Promise<void> {
    await this.store.put(invite);
  }

  get(roomId: RoomId): Promise<InviteRecord | undefined> {
    return this.store.get(roomId);
  }

  /** True when there was one to remove. */
  async remove(roomId: RoomId): Promise<boolean> {
    if ((await this.store.getKey(roomId)) === undefined) return false;
    await this.store.delete(roomId);
    return true;
  }

  /** Every invite, in room ID order. */
  list(): Promise<InviteRecord[]> {
    return this.store.getAll();
  }
}
