/** Room aliases this node hosts, and the servers each points joins to. */
import type { RoomId } from '../../core/ids.js';
import type { AliasRecord } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** The `aliases` object store with its domain verbs. */
export class AliasesStore {
  constructor(private readonly store: ObjectStore<'aliases'>) {}

  /** What `alias` resolves to, or undefined. */
  get(alias: string): Promise<AliasRecord | undefined> {
    return this.store.get(alias);
  }

  /** Creates or repoints an alias. */
  async put(record: AliasRecord): Promise<void> {
    await this.store.put(record);
  }

  /** Removes an alias; removing an unknown one does nothing. */
  async delete(alias: string): Promise<void> {
    await this.store.delete(alias);
  }

  /** Every alias pointing at `roomId`. */
  forRoom(roomId: RoomId): Promise<AliasRecord[]> {
    return this.store.index('byRoom').getAll(roomId);
  }
}
