/**
 * The IndexedDB schema as an idb `DBSchema`, so store names, keys and index keys
 * are checked at compile time. This is the shape at the newest version; how a
 * database gets there is `migrations.ts`, and `verify-schema.ts` checks it.
 */
import type { DBSchema, IDBPDatabase, IDBPObjectStore, IDBPTransaction, StoreNames } from 'idb';
import type { EventId, RoomId } from '../core/ids.js';
import type {
  AliasRecord,
  DirectoryRecord,
  EventRecord,
  IdentityRecord,
  InviteRecord,
  OutboundItem,
  ReceivedTxnRecord,
  RoomRecord,
  ServerKeyRecord,
  StateGroupId,
  StateGroupRecord,
} from './records.js';

/** Names of the counters kept in the `counters` store. */
export type CounterName = 'stream';

/** Every object store, its key, value and indexes. */
export interface TidepoolSchema extends DBSchema {
  events: {
    key: EventId;
    value: EventRecord;
    indexes: { byRoomStream: [RoomId, number]; byRoomDepth: [RoomId, number] };
  };
  /** Out-of-line auto-increment key: the group ID. */
  stateGroups: { key: StateGroupId; value: StateGroupRecord };
  rooms: { key: RoomId; value: RoomRecord };
  /** Out-of-line auto-increment key: the send sequence, global and never reused. */
  outbound: { key: number; value: OutboundItem; indexes: { byDestination: string } };
  txnIds: {
    key: [string, string];
    value: ReceivedTxnRecord;
    indexes: { byReceivedTs: number };
  };
  serverKeys: { key: [string, string]; value: ServerKeyRecord };
  aliases: { key: string; value: AliasRecord; indexes: { byRoom: RoomId } };
  directory: { key: RoomId; value: DirectoryRecord };
  /** Invites received over federation, one per room. */
  invites: { key: RoomId; value: InviteRecord };
  /** One record under the key `self`. */
  identity: { key: 'self'; value: IdentityRecord };
  counters: { key: CounterName; value: number };
}

/** An object store name of our schema. */
export type StoreName = StoreNames<TidepoolSchema>;

/** An open database of our schema. */
export type TidepoolDatabase = IDBPDatabase<TidepoolSchema>;

/**
 * One object store inside a store transaction. Typed read-write for both modes:
 * a write in a read transaction fails at run time with IndexedDB's ReadOnlyError.
 */
export type ObjectStore<N extends StoreName> = IDBPObjectStore<
  TidepoolSchema,
  StoreName[],
  N,
  'readwrite'
>;

/** The upgrade transaction a migration runs in. */
export type UpgradeTransaction = IDBPTransaction<TidepoolSchema, StoreName[], 'versionchange'>;

/**
 * The expected shape at the newest version: per store, its key path (null for
 * out-of-line keys), whether keys auto-increment, and index name → key path.
 */
export const expectedShape: Record<
  StoreName,
  {
    keyPath: string | string[] | null;
    autoIncrement: boolean;
    indexes: Record<string, string | string[]>;
  }
> = {
  events: {
    keyPath: 'eventId',
    autoIncrement: false,
    indexes: { byRoomStream: ['roomId', 'streamOrder'], byRoomDepth: ['roomId', 'depth'] },
  },
  stateGroups: { keyPath: null, autoIncrement: true, indexes: {} },
  rooms: { keyPath: 'roomId', autoIncrement: false, indexes: {} },
  outbound: { keyPath: null, autoIncrement: true, indexes: { byDestination: 'destination' } },
  txnIds: {
    keyPath: ['origin', 'txnId'],
    autoIncrement: false,
    indexes: { byReceivedTs: 'receivedTs' },
  },
  serverKeys: { keyPath: ['serverName', 'keyId'], autoIncrement: false, indexes: {} },
  aliases: { keyPath: 'alias', autoIncrement: false, indexes: { byRoom: 'roomId' } },
  directory: { keyPath: 'roomId', autoIncrement: false, indexes: {} },
  invites: { keyPath: 'roomId', autoIncrement: false, indexes: {} },
  identity: { keyPath: null, autoIncrement: false, indexes: {} },
  counters: { keyPath: null, autoIncrement: false, indexes: {} },
};
