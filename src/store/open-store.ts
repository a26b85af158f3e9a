/** Opening a node's store: the database named by the node's identity. */
import type { ServerName } from '../core/ids.js';
import { StoreCorruptError } from './errors.js';
import { migrations } from './migrations.js';
import { openDatabase } from './open-database.js';
import { type CloseReason, Store } from './store.js';
import { StreamPositionCache } from './stores/counters-store.js';
import type { WrapperSettings } from './transaction.js';
import { findSchemaProblem } from './verify-schema.js';

/** Options for `openStore`. */
export interface OpenStoreOptions {
  /** The IndexedDB factory; defaults to the global one. Tests pass a fresh fake-indexeddb. */
  indexedDB?: IDBFactory;
  /** Deltas between full state snapshots; smaller trades space for faster resolves. */
  snapshotInterval?: number;
  /**
   * Called once if the store closes itself: another tab is upgrading or deleting
   * the database, or the browser closed it. Not called for `store.close()`.
   */
  onClose?: (reason: CloseReason) => void;
}

/** The database name of the node whose server name is `serverName`. */
export function storeNameFor(serverName: ServerName): string {
  return `tidepool-${serverName}`;
}

/**
 * Opens (creating or upgrading in place) the database `name`. Rejects with
 * StoreVersionError if a newer Tidepool wrote it, StoreCorruptError if it does
 * not have our shape, StoreBlockedError if an older tab blocks the upgrade; in
 * every case nothing is deleted.
 */
export async function openStore(name: string, options: OpenStoreOptions = {}): Promise<Store> {
  const db = await openDatabase(name, options.indexedDB ?? globalThis.indexedDB, migrations);
  const problem = findSchemaProblem(db);
  if (problem !== undefined) {
    db.close();
    throw new StoreCorruptError(name, problem);
  }
  const settings: WrapperSettings = { streamPosition: new StreamPositionCache() };
  if (options.snapshotInterval !== undefined) settings.snapshotInterval = options.snapshotInterval;
  return new Store(db, name, settings, options.onClose);
}
