import { describe, expect, it } from 'vitest';
import type { EventId, RoomId } from '../../src/core/ids.js';
import type { EventRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { fakePdu, freshFactory, open } from './helpers.js';

const room = '!r:test.example' as RoomId;
const other = '!o:test.example' as RoomId;

function record(
  id: string,
  roomId: RoomId,
  streamOrder: number | undefined,
  depth: number,
): EventRecord {
  const base = {
    eventId: `$${id}` as EventId,
    roomId,
    pdu: fakePdu(roomId, depth, [], { type: 'm.room.message' }),
    depth,
  };
  return streamOrder === undefined
    ? { ...base, status: 'outlier' }
    : { ...base, streamOrder, status: 'accepted' };
}

async function seed(store: Store): Promise<void> {
  await store.write(['events'], async (txn) => {
    for (let i = 1; i <= 10; i++) await txn.events.add(record(`r${i}`, room, i * 2, i));
    for (let i = 1; i <= 3; i++) await txn.events.add(record(`o${i}`, other, i * 2 + 1, i));
    await txn.events.add(record('outlier', room, undefined, 4));
  });
}

describe('events store', () => {
  it('pages a room timeline newest first by token, excluding other rooms and outliers', async () => {
    const store = await open(freshFactory());
    await seed(store);
    const ids = await store.read(['events'], async (txn) => {
      const pages: string[][] = [];
      let before: number | undefined;
      do {
        const page = await txn.events.timeline(room, { before, limit: 5 });
        pages.push(page.events.map((ev) => ev.eventId));
        before = page.next;
      } while (before !== undefined);
      return pages;
    });
    // Exactly two full pages: the second says there is nothing older.
    expect(ids).toEqual([
      ['$r10', '$r9', '$r8', '$r7', '$r6'],
      ['$r5', '$r4', '$r3', '$r2', '$r1'],
    ]);
    const tail = await store.read(['events'], (txn) =>
      txn.events.timeline(room, { before: 6, limit: 5 }),
    );
    expect(tail.events.map((ev) => ev.eventId)).toEqual(['$r2', '$r1']);
    expect(tail.next).toBeUndefined();
    await expect(
      store.read(['events'], (txn) => txn.events.timeline(room, { limit: 0 })),
    ).rejects.toThrow(RangeError);
    store.close();
  });

  it('finds the newest timeline event, passing over what the caller says to', async () => {
    const store = await open(freshFactory());
    await seed(store);
    const newest = (roomId: RoomId, passOver: (r: EventRecord) => boolean) =>
      store.read(['events'], (txn) => txn.events.newest(roomId, passOver));
    expect((await newest(room, () => false))?.eventId).toBe('$r10');
    expect((await newest(other, () => false))?.eventId).toBe('$o3');
    // Passed over from the newest down; the outlier (no stream order) is never a candidate.
    expect((await newest(room, (r) => r.depth > 7))?.eventId).toBe('$r7');
    expect(await newest(room, () => true)).toBeUndefined();
    expect(await newest('!none:test.example' as RoomId, () => false)).toBeUndefined();
  });

  it('knows what it has, refuses a duplicate, records redactions and finds by depth', async () => {
    const store = await open(freshFactory());
    await seed(store);
    const read = await store.write(['events'], async (txn) => ({
      has: await txn.events.has('$outlier' as EventId),
      missing: await txn.events.has('$nope' as EventId),
      redacted: await txn.events.markRedacted('$r3' as EventId, '$red' as EventId),
      redactUnknown: await txn.events.markRedacted('$nope' as EventId, '$red' as EventId),
      byDepth: (await txn.events.byDepth(room, 3, 4)).map((ev) => ev.eventId),
    }));
    expect(read).toEqual({
      has: true,
      missing: false,
      redacted: true,
      redactUnknown: false,
      byDepth: ['$r3', '$outlier', '$r4'],
    });
    const r3 = await store.read(['events'], (txn) => txn.events.get('$r3' as EventId));
    expect(r3?.redactedBy).toBe('$red');
    await expect(
      store.write(['events'], (txn) => txn.events.add(record('r1', room, 99, 1))),
    ).rejects.toMatchObject({
      name: 'ConstraintError',
    });
    store.close();
  });
});
