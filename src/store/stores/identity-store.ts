/** This node's identity: server name, signing keys and the local user's profile. */
import type { IdentityRecord } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** The single record's key: the store holds one identity per database. */
const selfKey = 'self';

/** The `identity` object store with its domain verbs. */
export class IdentityStore {
  constructor(private readonly store: ObjectStore<'identity'>) {}

  /** The identity, or undefined for a database not yet set up. */
  get(): Promise<IdentityRecord | undefined> {
    return this.store.get(selfKey);
  }

  /** Creates or replaces the identity (key rotation, profile change, import). */
  async put(record: IdentityRecord): Promise<void> {
    await this.store.put(record, selfKey);
  }
}
