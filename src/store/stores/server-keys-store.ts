/** Other servers' verify keys (and our old ones), by server name and key ID. */
import type { KeyId, ServerName } from '../../core/ids.js';
import type { ServerKeyRecord } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** The `serverKeys` object store with its domain verbs. */
export class ServerKeysStore {
  constructor(private readonly store: ObjectStore<'serverKeys'>) {}

  /** One key, or undefined if never fetched. */
  get(serverName: ServerName, keyId: KeyId): Promise<ServerKeyRecord | undefined> {
    return this.store.get([serverName, keyId]);
  }

  /** Stores (or refreshes) a key. */
  async put(record: ServerKeyRecord): Promise<void> {
    await this.store.put(record);
  }

  /** Every key known for `serverName`, in key ID order. */
  forServer(serverName: ServerName): Promise<ServerKeyRecord[]> {
    // Arrays sort after strings, so [name, []] is above every [name, keyId].
    return this.store.getAll(IDBKeyRange.bound([serverName], [serverName, []]));
  }
}
