/** The storage layer's public surface: the only code that knows IndexedDB. */
export * from './errors.js';
export { schemaVersion } from './migrations.js';
export { type OpenStoreOptions, openStore, storeNameFor } from './open-store.js';
export type * from './records.js';
export { type CloseReason, Store } from './store.js';
export type { EventsStore, TimelinePage, TimelinePageOptions } from './stores/events-store.js';
export type { StateDelta } from './stores/state-groups-store.js';
export type { StoreWrappers, Txn } from './transaction.js';
