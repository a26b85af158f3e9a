/**
 * The transaction object handed to `store.read`/`store.write` callbacks: one
 * typed property per declared store (hydrogen-web style), nothing else. Asking
 * for a store that was not declared is a compile-time error.
 */
import type { IDBPTransaction } from 'idb';
import type { ObjectStore, StoreName, TidepoolSchema } from './schema.js';
import { AliasesStore } from './stores/aliases-store.js';
import { CountersStore, type StreamPositionCache } from './stores/counters-store.js';
import { DirectoryStore } from './stores/directory-store.js';
import { EventsStore } from './stores/events-store.js';
import { IdentityStore } from './stores/identity-store.js';
import { InvitesStore } from './stores/invites-store.js';
import { OutboundStore } from './stores/outbound-store.js';
import { RoomsStore } from './stores/rooms-store.js';
import { ServerKeysStore } from './stores/server-keys-store.js';
import { StateGroupsStore } from './stores/state-groups-store.js';
import { TxnIdsStore } from './stores/txn-ids-store.js';

/** Settings the store wrappers need. */
export interface WrapperSettings {
  /** Deltas between state-group snapshots (see StateGroupsStore). */
  snapshotInterval?: number;
  /** The stream position kept across this database's transactions (see CountersStore). */
  streamPosition?: StreamPositionCache;
}

const wrappers = {
  events: (store: ObjectStore<'events'>) => new EventsStore(store),
  stateGroups: (store: ObjectStore<'stateGroups'>, settings: WrapperSettings) =>
    new StateGroupsStore(store, settings.snapshotInterval),
  rooms: (store: ObjectStore<'rooms'>) => new RoomsStore(store),
  outbound: (store: ObjectStore<'outbound'>) => new OutboundStore(store),
  txnIds: (store: ObjectStore<'txnIds'>) => new TxnIdsStore(store),
  serverKeys: (store: ObjectStore<'serverKeys'>) => new ServerKeysStore(store),
  aliases: (store: ObjectStore<'aliases'>) => new AliasesStore(store),
  directory: (store: ObjectStore<'directory'>) => new DirectoryStore(store),
  invites: (store: ObjectStore<'invites'>) => new InvitesStore(store),
  identity: (store: ObjectStore<'identity'>) => new IdentityStore(store),
  counters: (store: ObjectStore<'counters'>, settings: WrapperSettings) =>
    new CountersStore(store, settings.streamPosition),
} satisfies {
  [N in StoreName]: (store: ObjectStore<N>, settings: WrapperSettings) => unknown;
};

/** The wrapper class for each object store. */
export type StoreWrappers = { [N in StoreName]: ReturnType<(typeof wrappers)[N]> };

/** A transaction limited to the stores `N` it was opened with. */
export type Txn<N extends StoreName> = { readonly [K in N]: StoreWrappers[K] };

/** The idb transaction a Txn runs over (typed read-write; see ObjectStore). */
export type RawTransaction = IDBPTransaction<TidepoolSchema, StoreName[], 'readwrite'>;

/** Builds the Txn for `names` over an open idb transaction. */
export function createTxn<N extends StoreName>(
  raw: RawTransaction,
  names: readonly N[],
  settings: WrapperSettings,
): Txn<N> {
  const txn: Partial<Record<StoreName, unknown>> = {};
  for (const name of names) {
    // TypeScript cannot tie wrappers[name] to objectStore(name) for a generic
    // name; the `satisfies` above checks each pair, so widening here is safe.
    const make = wrappers[name] as unknown as (
      store: unknown,
      settings: WrapperSettings,
    ) => unknown;
    txn[name] = make(raw.objectStore(name), settings);
  }
  return txn as Txn<N>;
}
