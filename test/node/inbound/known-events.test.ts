/**
 * What inbound keeps across batches (known-events.ts): the next batch takes
 * the records and states the last one stored from memory, and only asks the
 * store whether its own event IDs are there — without changing any verdict.
 */
import { describe, expect, it } from 'vitest';
import type { EventId } from '../../../src/core/ids.js';
import type { Store } from '../../../src/store/store.js';
import { dumpAll, newNode, reopen, type TestNode, text } from '../helpers.js';
import { type Built, keysOf, RemoteRoom, remoteServer, roomWithRemoteMember } from './remote.js';

const remote = remoteServer('remote.example', 7);
const other = remoteServer('other.example', 9);
const bob = '@bob:remote.example';
const carol = '@carol:other.example';
const keyLookup = keysOf(remote, other);

async function setup() {
  const t = await newNode();
  const { roomId, room } = await roomWithRemoteMember(t, remote, bob, '12', keyLookup);
  return { t, roomId, room };
}

function receive(t: TestNode, events: Built[]) {
  return t.node.receivePdus(
    'remote.example',
    events.map((e) => e.pdu),
    { keyLookup },
  );
}

async function messages(room: RemoteRoom, count: number, from = 0): Promise<Built[]> {
  const built: Built[] = [];
  for (let i = 0; i < count; i++) {
    built.push(
      await room.event(remote, {
        type: 'm.room.message',
        sender: bob,
        content: text(`${from + i}`),
      }),
    );
  }
  return built;
}

/** Counts, from now on, the requests read transactions make, by kind. */
function countRequests(store: Store): Record<string, number> {
  const counts: Record<string, number> = {};
  const bump = (kind: string) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  const read = store.read.bind(store);
  store.read = ((stores, fn) =>
    read(stores, (txn) => {
      const spied = txn as unknown as Record<string, Record<string, unknown>>;
      for (const [name, methods] of [
        ['events', ['get', 'has']],
        ['stateGroups', ['get', 'resolve']],
        ['rooms', ['get']],
      ] as const) {
        const wrapper = spied[name];
        if (wrapper === undefined) continue;
        for (const method of methods) {
          const original = wrapper[method] as (...args: unknown[]) => unknown;
          wrapper[method] = (...args: unknown[]) => {
            bump(`${name}.${method}`);
            return original.apply(wrapper, args);
          };
        }
      }
      return fn(txn);
    })) as typeof store.read;
  return counts;
}

describe('inbound memory across batches', () => {
  it('a second batch reads only the room record and probes its own IDs', async () => {
    const { t, room } = await setup();
    const first = await messages(room, 10);
    await receive(t, first);
    const second = await messages(room, 10, 10);
    const counts = countRequests(t.store);
    const report = await receive(t, second);
    for (const m of second) expect(report.outcomes[m.eventId]).toEqual({ status: 'accepted' });
    // No record and no state group read again: the head, the auth events and
    // the current state are the ones the first batch left in memory.
    expect(counts).toEqual({ 'rooms.get': 1, 'events.has': 10 });
  });

  it('keeps a rejection across batches: citing a rejected auth event is rejected', async () => {
    const { t, room } = await setup();
    // carol never joined: her join-less message is rejected, and so is a later event citing it.
    const forged = await room.event(other, {
      type: 'm.room.member',
      stateKey: carol,
      sender: carol,
      content: { membership: 'leave' },
    });
    const first = await receive(t, [forged]);
    expect(first.outcomes[forged.eventId]!.status).toBe('rejected');
    const [head] = await room.syncHeads();
    const citing = await room.event(other, {
      type: 'm.room.message',
      sender: carol,
      content: text('through a rejected event'),
      prev: [head!],
      auth: [forged.eventId],
    });
    const second = await receive(t, [citing]);
    expect(second.outcomes[citing.eventId]!.status).toBe('rejected');
    expect(second.outcomes[citing.eventId]!.reason).toBe(
      `by its auth events: auth event ${forged.eventId} was rejected`,
    );
  });

  it('a fresh node (nothing in memory) finds every stored ID again: duplicates, nothing written', async () => {
    const { t, room } = await setup();
    const batch = await messages(room, 5);
    await receive(t, batch);
    const again = await reopen(t);
    const before = await dumpAll(again.factory, again.name);
    const report = await receive(again, batch);
    for (const m of batch) expect(report.outcomes[m.eventId]).toEqual({ status: 'duplicate' });
    expect(await dumpAll(again.factory, again.name)).toEqual(before);
    again.node.close();
  });

  it('judges the same whether the records come from memory or from the store', async () => {
    const { t, roomId, room } = await setup();
    const batches = [await messages(room, 4), await messages(room, 4, 4)];
    for (const batch of batches) await receive(t, batch);
    const warm = await t.store.read(['rooms'], (txn) => txn.rooms.get(roomId as never));
    // The same batches on a node that restarts between them: every read goes to the store.
    const cold = await setup();
    const coldRoom = new RemoteRoom(cold.t.store, cold.roomId, '12');
    await coldRoom.syncHeads();
    let node = cold.t;
    for (let b = 0; b < 2; b++) {
      const batch = await messages(coldRoom, 4, 4 * b);
      node = await reopen(node);
      const report = await receive(node, batch);
      for (const m of batch) expect(report.outcomes[m.eventId]).toEqual({ status: 'accepted' });
    }
    const coldRecord = await node.store.read(['rooms'], (txn) =>
      txn.rooms.get(cold.roomId as never),
    );
    expect(coldRecord!.heads).toHaveLength(1);
    expect(warm!.heads).toEqual([batches[1]!.at(-1)!.eventId as EventId]);
    node.node.close();
  });
});
