import { forceCloseDatabase } from 'fake-indexeddb';
import { unwrap } from 'idb';
import { describe, expect, it } from 'vitest';
import type { EventId, RoomId, ServerName } from '../../src/core/ids.js';
import { StoreCorruptError, StoreVersionError } from '../../src/store/errors.js';
import { type Migration, migrations, schemaVersion } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open-database.js';
import { storeNameFor } from '../../src/store/open-store.js';
import type { EventRecord, StateGroupId } from '../../src/store/records.js';
import { fakePdu, freshFactory, open } from './helpers.js';

const roomId = '!old:test.example' as RoomId;

/** Opens `name` raw, at whatever version it has, with no upgrade. */
function rawOpen(factory: IDBFactory, name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/** Creates a database that is not ours: store `junk` holding one record. */
function createForeign(factory: IDBFactory, name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version);
    request.onupgradeneeded = () => request.result.createObjectStore('junk').put('precious', 'k');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function expectJunkIntact(factory: IDBFactory, name: string, version: number) {
  const db = await rawOpen(factory, name);
  expect(db.version).toBe(version);
  const value = await new Promise((resolve) => {
    const request = db.transaction('junk').objectStore('junk').get('k');
    request.onsuccess = () => resolve(request.result);
  });
  expect(value).toBe('precious');
  db.close();
}

describe('openStore', () => {
  it('names databases by identity and creates the newest schema', async () => {
    expect(storeNameFor('abc.relay.example' as ServerName)).toBe('tidepool-abc.relay.example');
    const factory = freshFactory();
    const store = await open(factory, 'tidepool-new');
    store.close();
    const db = await rawOpen(factory, 'tidepool-new');
    expect(db.version).toBe(schemaVersion);
    expect(schemaVersion).toBe(migrations.length);
    db.close();
  });

  it('upgrades a v1 database in place and keeps its data', async () => {
    const factory = freshFactory();
    const v1 = await openDatabase('tidepool-v1', factory, migrations.slice(0, 1));
    expect(v1.version).toBe(1);
    expect(v1.objectStoreNames.contains('aliases')).toBe(false);
    const events: EventRecord[] = [1, 2, 3].map((depth) => ({
      eventId: `$old${depth}` as EventId,
      roomId,
      pdu: fakePdu(roomId, depth, [], { type: 'm.room.message', body: `old ${depth}` }),
      streamOrder: depth,
      depth,
      status: 'accepted',
    }));
    for (const event of events) await v1.put('events', event);
    const group = (await v1.add('stateGroups', {
      roomId,
      delta: {},
      depthFromSnapshot: 0,
    })) as StateGroupId;
    await v1.put('rooms', {
      roomId,
      roomVersion: '11',
      heads: ['$old3' as EventId],
      stateGroup: group,
      streamPosition: 3,
      unreadCount: 0,
      lastEventId: '$old3' as EventId,
    });
    await v1.put('counters', 3, 'stream');
    v1.close();

    const store = await open(factory, 'tidepool-v1');
    const read = await store.read(['events', 'rooms', 'counters', 'aliases'], async (txn) => ({
      timeline: (await txn.events.timeline(roomId, { limit: 10 })).events,
      // The index added by v2 covers events stored under v1.
      byDepth: await txn.events.byDepth(roomId, 2, 3),
      room: await txn.rooms.get(roomId),
      position: await txn.counters.streamPosition(),
      aliases: await txn.aliases.forRoom(roomId),
    }));
    expect(read.timeline).toEqual([...events].reverse());
    expect(read.byDepth.map((e) => e.eventId)).toEqual(['$old2', '$old3']);
    expect(read.room?.heads).toEqual(['$old3']);
    expect(read.position).toBe(3);
    expect(read.aliases).toEqual([]);
    store.close();
  });

  it('refuses a database from a newer Tidepool with StoreVersionError and leaves it intact', async () => {
    const factory = freshFactory();
    (await createForeign(factory, 'tidepool-future', schemaVersion + 5)).close();
    const error = await open(factory, 'tidepool-future').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreVersionError);
    expect(error).toMatchObject({
      name: 'StoreVersionError',
      errcode: 'M_UNKNOWN',
      foundVersion: schemaVersion + 5,
      supportedVersion: schemaVersion,
    });
    expect((error as Error).message).toContain('nothing was changed');
    await expectJunkIntact(factory, 'tidepool-future', schemaVersion + 5);
  });

  it('refuses a foreign database at our version with StoreCorruptError and deletes nothing', async () => {
    const factory = freshFactory();
    (await createForeign(factory, 'tidepool-foreign', schemaVersion)).close();
    await expect(open(factory, 'tidepool-foreign')).rejects.toThrow(/missing object stores events/);
    await expectJunkIntact(factory, 'tidepool-foreign', schemaVersion);
  });

  it('aborts a migration that fails on an older foreign database and leaves it at its version', async () => {
    const factory = freshFactory();
    (await createForeign(factory, 'tidepool-odd', 1)).close();
    const error = await open(factory, 'tidepool-odd').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreCorruptError);
    expect((error as Error).message).toMatch(/migration to version 2 failed/);
    await expectJunkIntact(factory, 'tidepool-odd', 1);
  });

  it('refuses a database missing an index', async () => {
    const factory = freshFactory();
    // A v2 that forgot the depth index: the version matches, the shape does not.
    const v2WithoutIndex: Migration = (db) => {
      db.createObjectStore('aliases', { keyPath: 'alias' }).createIndex('byRoom', 'roomId');
      db.createObjectStore('directory', { keyPath: 'roomId' });
    };
    (await openDatabase('tidepool-noindex', factory, [migrations[0]!, v2WithoutIndex])).close();
    await expect(open(factory, 'tidepool-noindex')).rejects.toThrow(
      /store events lacks index byRoomDepth/,
    );
  });

  it('says so when an older tab blocks the upgrade, and deletes nothing', async () => {
    const factory = freshFactory();
    const old = await createForeign(factory, 'tidepool-blocked', 1); // ignores versionchange
    await expect(open(factory, 'tidepool-blocked')).rejects.toMatchObject({
      name: 'StoreBlockedError',
      message: expect.stringContaining('another tab'),
    });
    old.close();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The late upgrade ran into the foreign store and was aborted: still version 1.
    await expectJunkIntact(factory, 'tidepool-blocked', 1);
  });

  it('closes itself and says so when another tab upgrades the database', async () => {
    const factory = freshFactory();
    const reasons: Error[] = [];
    const store = await open(factory, 'tidepool-shared', { onClose: (r) => reasons.push(r) });
    const newer = await rawOpenAt(factory, 'tidepool-shared', schemaVersion + 1);
    expect(newer.version).toBe(schemaVersion + 1);
    newer.close();
    expect(store.closed).toBe(true);
    expect(reasons.map((r) => r.name)).toEqual(['StoreClosedError']);
    expect(reasons[0]?.message).toMatch(/another tab is upgrading/);
    await expect(store.read(['rooms'], (txn) => txn.rooms.all())).rejects.toBe(reasons[0]);
  });

  it('reports a close by the browser, but not one it asked for', async () => {
    const factory = freshFactory();
    const reasons: Error[] = [];
    const store = await open(factory, 'tidepool-forced', { onClose: (r) => reasons.push(r) });
    const other = await open(factory, 'tidepool-forced2', { onClose: (r) => reasons.push(r) });
    other.close();
    await expect(other.read(['rooms'], (txn) => txn.rooms.all())).rejects.toMatchObject({
      name: 'StoreClosedError',
    });
    expect(reasons).toEqual([]);
    // Reach the connection the way only a test may: the Store keeps it private.
    const { db } = store as unknown as { db: Parameters<typeof unwrap>[0] };
    forceCloseDatabase(unwrap(db) as unknown as Parameters<typeof forceCloseDatabase>[0]);
    expect(reasons.map((r) => r.message)).toEqual([
      'The browser closed database "tidepool-forced" unexpectedly',
    ]);
  });
});

function rawOpenAt(factory: IDBFactory, name: string, version: number): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = factory.open(name, version);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('blocked'));
  });
}
