/**
 * Ordered schema migrations: `migrations[v - 1]` takes a database from version
 * v − 1 to v, so the schema version is `migrations.length`. Entries are history:
 * never edit a released one, append a new one. Each runs inside the upgrade
 * transaction; it may only issue IndexedDB requests (no other awaits), and if it
 * throws, the upgrade is aborted and the database stays at its old version.
 */
import type { IDBPDatabase, IDBPTransaction } from 'idb';
import type { EventId } from '../core/ids.js';
import type { TidepoolDatabase, UpgradeTransaction } from './schema.js';

/** One step of the schema: from version (index) to version (index + 1). */
export type Migration = (db: TidepoolDatabase, txn: UpgradeTransaction) => void | Promise<void>;

/**
 * The database as an older migration sees it: store names are plain strings,
 * since the newest schema no longer declares every store an old step touched.
 */
type UntypedDatabase = IDBPDatabase<unknown>;
type UntypedUpgradeTransaction = IDBPTransaction<unknown, string[], 'versionchange'>;

function untyped(db: TidepoolDatabase): UntypedDatabase {
  return db as unknown as UntypedDatabase;
}

function untypedTxn(txn: UpgradeTransaction): UntypedUpgradeTransaction {
  return txn as unknown as UntypedUpgradeTransaction;
}

/** v1: the federation core — events, state, rooms, queue, txn IDs, keys, identity. */
const createCoreStores: Migration = (typed) => {
  const db = untyped(typed);
  const events = db.createObjectStore('events', { keyPath: 'eventId' });
  events.createIndex('byRoomStream', ['roomId', 'streamOrder'], { unique: true });
  db.createObjectStore('stateGroups', { autoIncrement: true });
  db.createObjectStore('eventState', { keyPath: 'eventId' });
  db.createObjectStore('rooms', { keyPath: 'roomId' });
  const outbound = db.createObjectStore('outbound', { autoIncrement: true });
  // Entries with equal index keys come back in primary-key (sequence) order,
  // which is exactly the per-destination send order.
  outbound.createIndex('byDestination', 'destination');
  const txnIds = db.createObjectStore('txnIds', { keyPath: ['origin', 'txnId'] });
  txnIds.createIndex('byReceivedTs', 'receivedTs');
  db.createObjectStore('serverKeys', { keyPath: ['serverName', 'keyId'] });
  db.createObjectStore('identity');
  db.createObjectStore('counters');
};

/** v2: aliases and the public room directory, and events by depth (for backfill). */
const addAliasesAndDepth: Migration = (db, txn) => {
  // The new index is built by IndexedDB over the events already stored.
  txn.objectStore('events').createIndex('byRoomDepth', ['roomId', 'depth']);
  const aliases = db.createObjectStore('aliases', { keyPath: 'alias' });
  aliases.createIndex('byRoom', 'roomId');
  db.createObjectStore('directory', { keyPath: 'roomId' });
};

/** An `eventState` record as v1 and v2 wrote it. */
interface EventStateV2 {
  eventId: EventId;
  groupId: number;
}

function isEventStateV2(value: unknown): value is EventStateV2 {
  if (typeof value !== 'object' || value === null) return false;
  const { eventId, groupId } = value as Record<string, unknown>;
  return typeof eventId === 'string' && typeof groupId === 'number';
}

/**
 * v3: the state group after an event moves onto the event's own record
 * (`stateGroup`), and the `eventState` store goes: one record per event instead
 * of two (see doc/storage.md). Events without a link (outliers) are left as they
 * are; a link whose event is missing carries nothing and is dropped.
 */
const foldEventStateIntoEvents: Migration = async (typedDb, typedTxn) => {
  const db = untyped(typedDb);
  const txn = untypedTxn(typedTxn);
  const events = txn.objectStore('events');
  let cursor = await txn.objectStore('eventState').openCursor();
  while (cursor !== null) {
    const link: unknown = cursor.value;
    if (!isEventStateV2(link)) {
      throw new TypeError(`eventState record ${String(cursor.key)} is not {eventId, groupId}`);
    }
    const event: unknown = await events.get(link.eventId);
    if (typeof event === 'object' && event !== null) {
      await events.put({ ...event, stateGroup: link.groupId });
    }
    cursor = await cursor.continue();
  }
  db.deleteObjectStore('eventState');
};

/**
 * v4: invites received over federation for rooms we hold no DAG of, so an
 * invite not yet answered survives a closed tab.
 */
const addInvites: Migration = (db) => {
  db.createObjectStore('invites', { keyPath: 'roomId' });
};

/** All migrations, oldest first. */
export const migrations: readonly Migration[] = [
  createCoreStores,
  addAliasesAndDepth,
  foldEventStateIntoEvents,
  addInvites,
];

/** The schema version this build writes. */
export const schemaVersion = migrations.length;
