import { describe, expect, it } from 'vitest';
import type { EventId } from '../../src/core/ids.js';
import type { StateKey } from '../../src/core/pdu.js';
import type { StateGroupId } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import {
  appendBatch,
  type FakeEventSpec,
  freshFactory,
  newRoom,
  open,
  type RoomModel,
} from './helpers.js';

const total = 1_000;
const batchSize = 25;
const members = 40;

/** Event i: the first `members` are joins (new state keys), then every 7th is a topic change. */
function specFor(i: number): FakeEventSpec {
  if (i === 0) return { type: 'm.room.create', stateKey: '' };
  if (i <= members) return { type: 'm.room.member', stateKey: `@u${i}:test.example` };
  if (i % 7 === 0) return { type: 'm.room.topic', stateKey: '', body: `topic ${i}` };
  if (i % 50 === 0)
    return { type: 'm.room.member', stateKey: `@u${(i % members) + 1}:test.example` };
  return { type: 'm.room.message', body: `message ${i}` };
}

async function fill(store: Store): Promise<RoomModel> {
  const room = newRoom('!room:test.example');
  for (let start = 0; start < total; start += batchSize) {
    const specs = Array.from({ length: batchSize }, (_, k) => specFor(start + k));
    await appendBatch(store, room, specs);
  }
  return room;
}

/** Everything observable through the store: timeline pages, state per group, the room. */
async function observe(store: Store, room: RoomModel) {
  return store.read(['events', 'stateGroups', 'rooms'], async (txn) => {
    const pages: EventId[][] = [];
    let before: number | undefined;
    do {
      const page = await txn.events.timeline(room.roomId, { before, limit: 37 });
      pages.push(page.events.map((e) => e.eventId));
      before = page.next;
    } while (before !== undefined);
    const groups = new Map<StateGroupId, Map<StateKey, EventId>>();
    const groupOf = new Map<EventId, StateGroupId>();
    for (const eventId of room.order) {
      const group = await txn.events.stateGroupAfter(eventId);
      if (group === undefined) throw new Error(`no state group after ${eventId}`);
      groupOf.set(eventId, group);
      if (!groups.has(group)) groups.set(group, await txn.stateGroups.resolve(group));
    }
    return { pages, groups, groupOf, roomRecord: await txn.rooms.get(room.roomId) };
  });
}

describe('a room of 1,000 events written in batches', () => {
  it('reads back identically after the database is closed and reopened', async () => {
    const factory = freshFactory();
    const store = await open(factory);
    const room = await fill(store);
    const before = await observe(store, room);
    store.close();

    const reopened = await open(factory);
    const after = await observe(reopened, room);
    expect(after).toEqual(before);

    // And what was read matches the in-memory model, not just itself.
    expect(after.pages.flat()).toEqual([...room.order].reverse());
    expect(after.pages.slice(0, -1).every((p) => p.length === 37)).toBe(true);
    for (const [eventId, group] of after.groupOf) {
      expect(after.groups.get(group)).toEqual(room.stateAfter.get(eventId));
    }
    expect(after.roomRecord?.heads).toEqual(room.heads);
    expect(after.roomRecord?.stateGroup).toBe(room.group);
    expect(after.roomRecord?.streamPosition).toBe(total);
    reopened.close();
  });

  it('stores state as shared deltas: growth follows changes, not events × state size', async () => {
    const store = await open(freshFactory(), 'tidepool-size', { snapshotInterval: 32 });
    const room = await fill(store);
    const changes = room.order.filter((_, i) => specFor(i).stateKey !== undefined).length;
    const stateSize = room.stateAfter.get(room.order.at(-1)!)!.size;
    const stored = await store.read(['stateGroups', 'events'], async (txn) => {
      const ids = new Set<StateGroupId>();
      for (const eventId of room.order) ids.add((await txn.events.stateGroupAfter(eventId))!);
      let entries = 0;
      let snapshots = 0;
      for (const id of ids) {
        const group = (await txn.stateGroups.get(id))!;
        entries += Object.keys(group.delta).length;
        if (group.prevGroup === undefined) snapshots++;
      }
      return { groups: ids.size, entries, snapshots };
    });
    // One group per state change; message events share their predecessor's.
    expect(stored.groups).toBe(changes);
    // Deltas hold one entry per change; snapshots add at most the state size each.
    expect(stored.entries).toBeLessThanOrEqual(changes + stored.snapshots * stateSize);
    const fullCopies = total * stateSize;
    expect(stored.entries * 10).toBeLessThan(fullCopies);
    console.info(
      `state storage: ${total} events, ${changes} state changes, state size ${stateSize}: ` +
        `${stored.groups} groups (${stored.snapshots} snapshots), ${stored.entries} stored entries ` +
        `vs ${fullCopies} for a full copy per event`,
    );
    store.close();
  });
});
