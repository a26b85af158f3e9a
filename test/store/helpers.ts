/**
 * Test helpers: a fresh fake IndexedDB per test, fake PDUs, and a small room
 * writer that appends events the way the node will (one write per batch).
 */
// The /auto import installs fake-indexeddb's IDB classes as globals: idb's wrap()
// and IDBKeyRange need them. Each test still gets its own fresh factory.
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import type { EventId, RoomId } from '../../src/core/ids.js';
import type { Pdu, StateKey } from '../../src/core/pdu.js';
import { stateKeyOf } from '../../src/core/pdu.js';
import { migrations } from '../../src/store/migrations.js';
import { openDatabase } from '../../src/store/open-database.js';
import type { OpenStoreOptions } from '../../src/store/open-store.js';
import { openStore } from '../../src/store/open-store.js';
import type { EventRecord, StateGroupId } from '../../src/store/records.js';
import type { StoreName, TidepoolDatabase } from '../../src/store/schema.js';
import { expectedShape } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';

/** A fresh, empty IndexedDB. */
export function freshFactory(): IDBFactory {
  return new IDBFactory();
}

/** Opens the store `name` over `factory`. */
export function open(factory: IDBFactory, name = 'tidepool-test', options: OpenStoreOptions = {}) {
  return openStore(name, { ...options, indexedDB: factory });
}

/** What a fake event needs: state events have a state key. */
export interface FakeEventSpec {
  type: string;
  stateKey?: string;
  body?: string;
}

/** A PDU-shaped object; nothing here is signed or hashed for real. */
export function fakePdu(roomId: RoomId, depth: number, prev: EventId[], spec: FakeEventSpec): Pdu {
  const pdu: Pdu = {
    auth_events: [],
    content: spec.body === undefined ? {} : { body: spec.body },
    depth,
    hashes: { sha256: 'fake' },
    origin_server_ts: 1_700_000_000_000 + depth,
    prev_events: prev,
    room_id: roomId,
    sender: '@alice:test.example',
    type: spec.type,
  };
  if (spec.stateKey !== undefined) pdu.state_key = spec.stateKey;
  return pdu;
}

/** An in-memory model of one linear room, to compare the store against. */
export interface RoomModel {
  roomId: RoomId;
  /** Event IDs in append order. */
  order: EventId[];
  /** State after each event. */
  stateAfter: Map<EventId, Map<StateKey, EventId>>;
  group: StateGroupId | undefined;
  heads: EventId[];
  depth: number;
}

/** A new, empty room model. */
export function newRoom(roomId: string): RoomModel {
  return {
    roomId: roomId as RoomId,
    order: [],
    stateAfter: new Map(),
    group: undefined,
    heads: [],
    depth: 0,
  };
}

/**
 * Appends `specs` to the room in ONE write, as the node will: stream orders,
 * state groups (shared when state does not change), events naming the group
 * after them, room record.
 */
export async function appendBatch(store: Store, room: RoomModel, specs: FakeEventSpec[]) {
  let state = new Map(room.heads.length === 0 ? [] : room.stateAfter.get(room.heads[0]!));
  const names = ['events', 'counters', 'stateGroups', 'rooms'] as const;
  const result = await store.write(names, async (txn) => {
    let { group, heads, depth } = room;
    const added: EventRecord[] = [];
    const after: [EventId, Map<StateKey, EventId>][] = [];
    for (const spec of specs) {
      depth++;
      const eventId = `$e${room.order.length + added.length}-${room.roomId}` as EventId;
      const pdu = fakePdu(room.roomId, depth, heads, spec);
      const streamOrder = await txn.counters.nextStreamOrder();
      const delta =
        spec.stateKey === undefined ? {} : { [stateKeyOf(spec.type, spec.stateKey)]: eventId };
      group = await txn.stateGroups.create(room.roomId, group, delta);
      const record: EventRecord = {
        eventId,
        roomId: room.roomId,
        pdu,
        streamOrder,
        depth,
        status: 'accepted',
        stateGroup: group,
      };
      await txn.events.add(record);
      state = new Map(state);
      for (const [k, v] of Object.entries(delta)) state.set(k, v);
      after.push([eventId, state]);
      added.push(record);
      heads = [eventId];
    }
    const last = added.at(-1)!;
    await txn.rooms.put({
      roomId: room.roomId,
      roomVersion: '12',
      heads,
      stateGroup: group!,
      streamPosition: last.streamOrder!,
      unreadCount: added.length,
      lastEventId: last.eventId,
    });
    return { group, heads, depth, added, after };
  });
  // Update the model only after the commit, as the node emits only after it.
  room.group = result.group;
  room.heads = result.heads;
  room.depth = result.depth;
  for (const record of result.added) room.order.push(record.eventId);
  for (const [id, s] of result.after) room.stateAfter.set(id, s);
  return result.added;
}

/** Every record (key and value) of every store, through a separate raw connection. */
export async function dumpAll(factory: IDBFactory, name: string): Promise<Record<string, unknown>> {
  const db: TidepoolDatabase = await openDatabase(name, factory, migrations);
  const dump: Record<string, unknown> = {};
  for (const storeName of Object.keys(expectedShape) as StoreName[]) {
    const keys = await db.getAllKeys(storeName);
    const values = await db.getAll(storeName);
    dump[storeName] = keys.map((key, i) => [key, values[i]]);
  }
  db.close();
  return dump;
}
