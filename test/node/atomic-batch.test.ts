import { IDBObjectStore as FakeObjectStore } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import { dumpAll, newNode, text } from './helpers.js';

/**
 * Makes the `n`th add/put request from now on fail the way a full disk does
 * (the request errors, the transaction aborts), over the real fake-indexeddb.
 */
function failNthWrite(n: number): () => void {
  const originals = { add: FakeObjectStore.prototype.add, put: FakeObjectStore.prototype.put };
  let count = 0;
  for (const method of ['add', 'put'] as const) {
    FakeObjectStore.prototype[method] = function (
      this: IDBObjectStore,
      value: unknown,
      key?: IDBValidKey,
    ) {
      if (++count === n) {
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
      return originals[method].call(this, value, key);
    };
  }
  return () => Object.assign(FakeObjectStore.prototype, originals);
}

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

describe('a batch interrupted mid-write leaves nothing half-written', () => {
  // A batch of 10 messages makes 12 writes (the stream counter once; one event record per
  // message, naming its state group; the room): fail at several points, first and last included.
  it.each([1, 2, 7, 11, 12])(
    'failing write #%i: nothing stored, same state, node still works',
    async (n) => {
      const t = await newNode('alice', 3);
      const roomId = await t.node.createRoom({ name: 'Before' });
      await t.node.sendMessages(roomId, [text('one'), text('two')]);
      const dumpBefore = await dumpAll(t.factory, t.name);
      const stateBefore = await t.node.roomState(roomId);
      const timelineBefore = await t.node.timeline(roomId, { limit: 100 });
      const heard: unknown[] = [];
      await t.node.subscribe((change) => heard.push(change));

      restore = failNthWrite(n);
      const batch = t.node.sendMessages(
        roomId,
        Array.from({ length: 10 }, (_, i) => text(`lost ${i}`)),
      );
      await expect(batch).rejects.toMatchObject({ name: 'StoreQuotaError', errcode: 'M_UNKNOWN' });
      restore();
      restore = undefined;

      expect(await dumpAll(t.factory, t.name)).toEqual(dumpBefore);
      expect(await t.node.roomState(roomId)).toEqual(stateBefore);
      expect(await t.node.timeline(roomId, { limit: 100 })).toEqual(timelineBefore);
      expect(heard).toEqual([]);

      // The node goes on from the old heads, as if the failed batch never was.
      const next = await t.node.sendMessage(roomId, text('after'));
      const stored = await t.store.read(['events'], (txn) => txn.events.get(next as never));
      expect(stored!.pdu.prev_events).toEqual(stateBefore.heads);
      expect((await t.node.roomState(roomId)).heads).toEqual([next]);
      t.node.close();
    },
  );

  // Creating this room makes 21 writes (the alias; the stream counter; a state group and an
  // event for each of its 9 state events; the room): fail at the first, in between, and the last.
  it.each([1, 5, 12, 21])(
    'a room creation failing at write #%i leaves no room, group or alias behind',
    async (n) => {
      const t = await newNode('alice', 4);
      const { serverName } = await t.node.identity();
      const dumpBefore = await dumpAll(t.factory, t.name);
      restore = failNthWrite(n);
      await expect(
        t.node.createRoom({ name: 'X', alias: `#x:${serverName}`, invite: ['@bob:example.org'] }),
      ).rejects.toMatchObject({ name: 'StoreQuotaError' });
      restore();
      restore = undefined;
      expect(await dumpAll(t.factory, t.name)).toEqual(dumpBefore);
      expect(await t.node.rooms()).toEqual([]);
      // The alias is free again.
      const roomId = await t.node.createRoom({ name: 'X', alias: `#x:${serverName}` });
      expect((await t.node.rooms()).map((r) => r.roomId)).toEqual([roomId]);
      t.node.close();
    },
  );
});
