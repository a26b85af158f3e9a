/** The public room directory this node serves (`/publicRooms`). */
import type { RoomId } from '../../core/ids.js';
import type { DirectoryRecord } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** The `directory` object store with its domain verbs. */
export class DirectoryStore {
  constructor(private readonly store: ObjectStore<'directory'>) {}

  /** Lists `roomId` publicly (`publishedTs` is the caller's clock; core code takes no clocks). */
  async publish(roomId: RoomId, publishedTs: number): Promise<void> {
    await this.store.put({ roomId, publishedTs });
  }

  /** Takes `roomId` off the directory. */
  async unpublish(roomId: RoomId): Promise<void> {
    await this.store.delete(roomId);
  }

  /** True if `roomId` is listed. */
  async isPublished(roomId: RoomId): Promise<boolean> {
    return (await this.store.getKey(roomId)) !== undefined;
  }

  /** Every listed room, in room ID order. */
  list(): Promise<DirectoryRecord[]> {
    return this.store.getAll();
  }
}
