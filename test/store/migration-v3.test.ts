import type { IDBPDatabase } from 'idb';
import { describe, expect, it } from 'vitest';
import type { EventId, RoomId, ServerName } from '../../src/core/ids.js';
import { StoreCorruptError } from '../../src/store/errors.js';
import { type Migration, migrations, schemaVersion } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open-database.js';
import type { EventRecord, StateGroupId } from '../../src/store/records.js';
import { findSchemaProblem } from '../../src/store/verify-schema.js';
import { fakePdu, freshFactory, open } from './helpers.js';

const roomId = '!v2:test.example' as RoomId;

/** A database at `migrations.length`, seen without the newest schema's types (it had other stores). */
async function openUntyped(
  factory: IDBFactory,
  name: string,
  steps: readonly Migration[],
): Promise<IDBPDatabase<unknown>> {
  return (await openDatabase(name, factory, steps)) as unknown as IDBPDatabase<unknown>;
}

/** Every record of every store, by store name, in key order. */
async function dump(db: IDBPDatabase<unknown>): Promise<Record<string, [unknown, unknown][]>> {
  const result: Record<string, [unknown, unknown][]> = {};
  for (const storeName of db.objectStoreNames) {
    const keys = await db.getAllKeys(storeName);
    const values: unknown[] = await db.getAll(storeName);
    result[storeName] = keys.map((key, i) => [key, values[i]]);
  }
  return result;
}

function event(
  id: string,
  depth: number,
  spec: { type: string; stateKey?: string },
  streamOrder?: number,
): EventRecord {
  const record: EventRecord = {
    eventId: id as EventId,
    roomId,
    pdu: fakePdu(roomId, depth, [], spec),
    depth,
    status: streamOrder === undefined ? 'outlier' : 'accepted',
  };
  if (streamOrder !== undefined) record.streamOrder = streamOrder;
  return record;
}

/**
 * A v2 database as the old code left it: three timeline events, each with an
 * `eventState` link, an outlier without one, a link whose event is missing, and
 * a record in every other store.
 */
async function buildV2(factory: IDBFactory, name: string) {
  const v2 = await openUntyped(factory, name, migrations.slice(0, 2));
  expect(v2.version).toBe(2);
  const create = event('$create', 1, { type: 'm.room.create', stateKey: '' }, 1);
  const message = event('$message', 2, { type: 'm.room.message' }, 2);
  const topic = event('$topic', 3, { type: 'm.room.topic', stateKey: '' }, 3);
  const outlier = event('$outlier', 2, { type: 'm.room.member', stateKey: '@x:b.example' });
  for (const record of [create, message, topic, outlier]) await v2.put('events', record);
  const g1 = (await v2.add('stateGroups', {
    roomId,
    delta: { 'm.room.create\u0000': '$create' },
    depthFromSnapshot: 0,
  })) as StateGroupId;
  const g2 = (await v2.add('stateGroups', {
    roomId,
    prevGroup: g1,
    delta: { 'm.room.topic\u0000': '$topic' },
    depthFromSnapshot: 1,
  })) as StateGroupId;
  await v2.put('eventState', { eventId: '$create', groupId: g1 });
  await v2.put('eventState', { eventId: '$message', groupId: g1 });
  await v2.put('eventState', { eventId: '$topic', groupId: g2 });
  await v2.put('eventState', { eventId: '$gone', groupId: g2 });
  await v2.put('rooms', {
    roomId,
    roomVersion: '11',
    heads: ['$topic'],
    stateGroup: g2,
    streamPosition: 3,
    unreadCount: 1,
    lastEventId: '$topic',
  });
  await v2.add('outbound', { destination: 'b.example', kind: 'pdu', payload: { n: 1 } });
  await v2.put('txnIds', { origin: 'b.example', txnId: 't1', result: {}, receivedTs: 5 });
  await v2.put('serverKeys', {
    serverName: 'b.example' as ServerName,
    keyId: 'ed25519:k',
    publicKey: 'AAAA',
    validUntilTs: 9,
  });
  await v2.put('aliases', { alias: '#v2:test.example', roomId, servers: ['test.example'] });
  await v2.put('directory', { roomId, publishedTs: 7 });
  await v2.put('identity', { serverName: 'test.example', oldKeys: [], profile: {} }, 'self');
  await v2.put('counters', 3, 'stream');
  const before = await dump(v2);
  v2.close();
  return { before, events: { create, message, topic, outlier }, groups: { g1, g2 } };
}

describe('schema v3: the state group after an event moves onto its record', () => {
  it('folds every eventState link into its event, drops the store and changes nothing else', async () => {
    const factory = freshFactory();
    const name = 'tidepool-v2';
    const { before, events, groups } = await buildV2(factory, name);

    const store = await open(factory, name);
    const read = await store.read(['events'], async (txn) => ({
      create: await txn.events.stateGroupAfter(events.create.eventId),
      message: await txn.events.stateGroupAfter(events.message.eventId),
      topic: await txn.events.stateGroupAfter(events.topic.eventId),
      outlier: await txn.events.stateGroupAfter(events.outlier.eventId),
      timeline: (await txn.events.timeline(roomId, { limit: 10 })).events.map((e) => e.eventId),
    }));
    store.close();
    expect(read).toEqual({
      create: groups.g1,
      message: groups.g1,
      topic: groups.g2,
      outlier: undefined,
      timeline: ['$topic', '$message', '$create'],
    });

    // Opening ran every later migration too: v4 only adds the empty `invites` store.
    const v3 = await openUntyped(factory, name, migrations);
    expect(v3.version).toBe(schemaVersion);
    expect(schemaVersion).toBe(4);
    const typed = await openDatabase(name, factory, migrations);
    expect(findSchemaProblem(typed)).toBeUndefined();
    typed.close();
    const after = await dump(v3);
    v3.close();

    expect(Object.keys(after)).not.toContain('eventState');
    // Each event record gains exactly its group; the outlier and the missing event stay as they were.
    expect(after.events).toEqual([
      ['$create', { ...events.create, stateGroup: groups.g1 }],
      ['$message', { ...events.message, stateGroup: groups.g1 }],
      ['$outlier', events.outlier],
      ['$topic', { ...events.topic, stateGroup: groups.g2 }],
    ]);
    expect(after.events?.find(([key]) => key === '$outlier')?.[1]).not.toHaveProperty('stateGroup');
    const { events: _eventsBefore, eventState: _links, ...othersBefore } = before;
    const { events: _eventsAfter, invites, ...othersAfter } = after;
    expect(invites).toEqual([]);
    expect(othersAfter).toEqual(othersBefore);
    expect(Object.keys(othersAfter).length).toBeGreaterThan(8);
  });

  it('aborts on an eventState record it cannot read and leaves the database at v2', async () => {
    const factory = freshFactory();
    const name = 'tidepool-v2-damaged';
    const v2 = await openUntyped(factory, name, migrations.slice(0, 2));
    await v2.put('events', event('$e', 1, { type: 'm.room.message' }, 1));
    await v2.put('eventState', { eventId: '$e', groupId: 'not a group' });
    const before = await dump(v2);
    v2.close();

    const error = await open(factory, name).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreCorruptError);
    expect((error as Error).message).toMatch(/migration to version 3 failed/);
    const still = await openUntyped(factory, name, migrations.slice(0, 2));
    expect(still.version).toBe(2);
    expect(await dump(still)).toEqual(before);
    still.close();
  });

  it('accepts a v3 database that still has an eventState store or events without the field', async () => {
    const factory = freshFactory();
    const name = 'tidepool-v3-odd';
    // A v3 step that did nothing: the shape check looks only at the expected stores.
    const keepEverything: Migration = () => undefined;
    const odd = await openUntyped(factory, name, [...migrations.slice(0, 2), keepEverything]);
    expect(odd.version).toBe(3);
    expect(odd.objectStoreNames.contains('eventState')).toBe(true);
    await odd.put('events', event('$bare', 1, { type: 'm.room.message' }, 1));
    odd.close();

    const store = await open(factory, name);
    const group = await store.read(['events'], (txn) =>
      txn.events.stateGroupAfter('$bare' as EventId),
    );
    expect(group).toBeUndefined();
    store.close();
  });
});
