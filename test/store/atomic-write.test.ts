import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventId, KeyId, RoomId, ServerName } from '../../src/core/ids.js';
import type { Store } from '../../src/store/store.js';
import { appendBatch, dumpAll, fakePdu, freshFactory, newRoom, open } from './helpers.js';

const roomId = '!room:test.example' as RoomId;
const name = 'tidepool-atomic';

async function seeded(factory: IDBFactory): Promise<Store> {
  const store = await open(factory, name);
  await appendBatch(store, newRoom(roomId), [
    { type: 'm.room.create', stateKey: '' },
    { type: 'm.room.message', body: 'kept' },
  ]);
  return store;
}

/** Touches every object store, then fails. */
async function writeEverywhereThenThrow(store: Store, failure: Error): Promise<void> {
  const all = [
    'events',
    'counters',
    'stateGroups',
    'rooms',
    'outbound',
    'txnIds',
    'serverKeys',
    'aliases',
    'directory',
    'identity',
  ] as const;
  await store.write(all, async (txn) => {
    const eventId = '$new' as EventId;
    const streamOrder = await txn.counters.nextStreamOrder();
    const pdu = fakePdu(roomId, 3, [], { type: 'm.room.topic', stateKey: '' });
    const group = await txn.stateGroups.create(roomId, undefined, {
      'm.room.topic\u0000': eventId,
    });
    await txn.events.add({
      eventId,
      roomId,
      pdu,
      streamOrder,
      depth: 3,
      status: 'accepted',
      stateGroup: group,
    });
    const room = (await txn.rooms.get(roomId))!;
    await txn.rooms.put({
      ...room,
      heads: [eventId],
      stateGroup: group,
      streamPosition: streamOrder,
    });
    await txn.outbound.enqueue({
      destination: 'b.example' as ServerName,
      kind: 'pdu',
      payload: {},
    });
    await txn.txnIds.put({
      origin: 'b.example' as ServerName,
      txnId: 't1',
      result: {},
      receivedTs: 1,
    });
    await txn.serverKeys.put({
      serverName: 'b.example' as ServerName,
      keyId: 'ed25519:k' as KeyId,
      publicKey: 'AAAA',
      validUntilTs: 9,
    });
    await txn.aliases.put({ alias: '#a:test.example', roomId, servers: [] });
    await txn.directory.publish(roomId, 1);
    await txn.identity.put({
      serverName: 'test.example' as ServerName,
      signingKey: { keyId: 'ed25519:a' as KeyId, seed: new Uint8Array(32) },
      oldKeys: [],
      profile: {},
    });
    throw failure;
  });
}

let restorePut: (() => void) | undefined;
afterEach(() => {
  restorePut?.();
  restorePut = undefined;
});

describe('store.write is all-or-nothing', () => {
  it('a callback that throws midway leaves every store as it was and rethrows the same error', async () => {
    const factory = freshFactory();
    const store = await seeded(factory);
    const before = await dumpAll(factory, name);
    const failure = new Error('midway');
    await expect(writeEverywhereThenThrow(store, failure)).rejects.toBe(failure);
    expect(await dumpAll(factory, name)).toEqual(before);
    // The store stays usable after a failed write.
    expect(await store.read(['counters'], (txn) => txn.counters.streamPosition())).toBe(2);
    store.close();
  });

  it('a failing request (duplicate event) rolls back the writes before it', async () => {
    const factory = freshFactory();
    const store = await seeded(factory);
    const before = await dumpAll(factory, name);
    const write = store.write(['events', 'counters'], async (txn) => {
      const order = await txn.counters.nextStreamOrder();
      const pdu = fakePdu(roomId, 9, [], { type: 'm.room.message' });
      await txn.events.add({
        eventId: '$fresh' as EventId,
        roomId,
        pdu,
        streamOrder: order,
        depth: 9,
        status: 'accepted',
      });
      const existing = (await txn.events.get('$e0-!room:test.example' as EventId))!;
      await txn.events.add(existing);
    });
    await expect(write).rejects.toMatchObject({ name: 'ConstraintError' });
    expect(await dumpAll(factory, name)).toEqual(before);
    store.close();
  });

  it('a full quota becomes StoreQuotaError and loses nothing stored before', async () => {
    const factory = freshFactory();
    const store = await seeded(factory);
    const before = await dumpAll(factory, name);
    // Simulate the browser refusing a put for lack of space, as real IndexedDB
    // does: the request fails with QuotaExceededError and the transaction aborts.
    const originalPut = FakeObjectStore.prototype.put;
    FakeObjectStore.prototype.put = function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (this.name === 'rooms') {
        const internal = this.transaction as unknown as {
          _execRequestAsync(request: { operation: () => never; source: unknown }): IDBRequest;
        };
        return internal._execRequestAsync({
          operation: () => {
            throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
          },
          source: this,
        });
      }
      return originalPut.call(this, value, key);
    };
    restorePut = () => {
      FakeObjectStore.prototype.put = originalPut;
    };
    const write = appendBatch(store, newRoom('!other:test.example'), [
      { type: 'm.room.create', stateKey: '' },
    ]);
    await expect(write).rejects.toMatchObject({
      name: 'StoreQuotaError',
      errcode: 'M_UNKNOWN',
      httpStatus: 507,
    });
    restorePut();
    expect(await dumpAll(factory, name)).toEqual(before);
    store.close();
  });

  it('awaiting something other than IndexedDB inside a write is reported, not ignored', async () => {
    const store = await seeded(freshFactory());
    const write = store.write(['counters'], async (txn) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await txn.counters.nextStreamOrder();
    });
    await expect(write).rejects.toMatchObject({ name: 'StoreTransactionInactiveError' });
    const late = store.write(['counters'], async (txn) => {
      await txn.counters.nextStreamOrder();
      await new Promise((resolve) => setTimeout(resolve, 5));
      throw new Error('too late to roll back');
    });
    await expect(late).rejects.toMatchObject({
      name: 'StoreTransactionInactiveError',
      cause: new Error('too late to roll back'),
    });
    store.close();
  });

  it('a read transaction refuses writes and only offers the stores it declared', async () => {
    const store = await seeded(freshFactory());
    await expect(
      store.read(['counters'], (txn) => txn.counters.nextStreamOrder()),
    ).rejects.toMatchObject({
      name: 'ReadOnlyError',
    });
    const keys = await store.read(['rooms'], async (txn) => {
      // @ts-expect-error events was not declared for this transaction
      expect(txn.events).toBeUndefined();
      return Object.keys(txn);
    });
    expect(keys).toEqual(['rooms']);
    store.close();
  });
});
