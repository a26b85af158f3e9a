/**
 * Ordered schema migrations: `migrations[v - 1]` takes a database from version
 * v − 1 to v, so the schema version is `migrations.length`. Entries are history:
 * never edit a released one, append a new one. Each runs inside the upgrade
 * transaction; it may only issue IndexedDB requests (no other awaits), and if it
 * throws, the upgrade is aborted and the database stays at its old version.
 */
import type { TidepoolDatabase, UpgradeTransaction } from './schema.js';

/** One step of the schema: from version (index) to version (index + 1). */
export type Migration = (db: TidepoolDatabase, txn: UpgradeTransaction) => void | Promise<void>;

/** v1: the federation core — events, state, rooms, queue, txn IDs, keys, identity. */
const createCoreStores: Migration = (db) => {
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

/** All migrations, oldest first. */
export const migrations: readonly Migration[] = [createCoreStores, addAliasesAndDepth];

/** The schema version this build writes. */
export const schemaVersion = migrations.length;
