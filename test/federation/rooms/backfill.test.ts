/**
 * Backfill: Bob joins a room with history and pages back into it through
 * `FederatedNode.backfill` (GET /backfill, every inbound check, the state at
 * the oldest event from /state_ids), as real FederatedNodes on a MemoryNetwork.
 */
import { describe, expect, it } from 'vitest';
import type { RoomId } from '../../../src/core/ids.js';
import { federation, type Server } from '../join/helpers.js';

const text = (body: string) => ({ msgtype: 'm.text' as const, body });

/** A's public room with `count` messages `m0`.. before B joins; B joined. */
async function roomWithHistory(count: number, historyVisibility?: string) {
  const fed = await federation(2);
  const [a, b] = fed.servers as [Server, Server];
  const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Old room' });
  if (historyVisibility !== undefined) {
    await a.node.setState(roomId, 'm.room.history_visibility', '', {
      history_visibility: historyVisibility,
    });
  }
  for (let sent = 0; sent < count; sent += 100) {
    const n = Math.min(100, count - sent);
    await a.node.sendMessages(
      roomId,
      Array.from({ length: n }, (_, i) => text(`m${sent + i}`)),
    );
  }
  await b.fed.joinRoom(roomId, [a.name]);
  await fed.settle();
  return { ...fed, a, b, roomId };
}

/** B's whole timeline, oldest first: [type, body or ''] per event. */
async function timeline(server: Server, roomId: string) {
  const page = await server.node.timeline(roomId, { limit: 1000 });
  return page.items.reverse();
}

const bodies = (items: { content: Record<string, unknown> }[]) =>
  items.flatMap((i) => (typeof i.content.body === 'string' ? [i.content.body] : []));

describe('FederatedNode.backfill', () => {
  it('pages back through 200 messages from before the join, in order, then the room creation', async () => {
    const { a, b, roomId, network, errors } = await roomWithHistory(200);
    const before = await timeline(b, roomId);
    expect(before.map((i) => i.type)).toEqual(['m.room.member']);
    const join = before[0]!;

    const first = await b.fed.backfill(roomId, 100);
    expect(first).toEqual({ added: 100, more: true });
    expect(bodies(await timeline(b, roomId))).toEqual(
      Array.from({ length: 100 }, (_, i) => `m${100 + i}`),
    );
    const second = await b.fed.backfill(roomId, 100);
    expect(second).toEqual({ added: 100, more: true });
    const all = await timeline(b, roomId);
    expect(bodies(all)).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
    // Events already shown keep their place: the join is still last, same position.
    expect(all.at(-1)).toMatchObject({ eventId: join.eventId, streamOrder: join.streamOrder });
    // Paging from the join's position goes back into the backfilled history.
    const page = await b.node.timeline(roomId, { from: String(join.streamOrder), limit: 3 });
    expect(bodies(page.items)).toEqual(['m199', 'm198', 'm197']);

    // The room's creation (held as outliers since the join) takes its place too.
    const third = await b.fed.backfill(roomId, 100);
    expect(third.more).toBe(false);
    const whole = await timeline(b, roomId);
    // B's timeline is A's from the creator's join on; the create event stays an outlier.
    const onA = (await a.node.timeline(roomId, { limit: 1000 })).items.reverse();
    expect(onA[0]?.type).toBe('m.room.create');
    expect(whole.map((i) => i.eventId)).toEqual(onA.slice(1).map((i) => i.eventId));
    expect(await b.fed.backfill(roomId, 100)).toEqual({ added: 0, more: false });
    await expect(b.fed.backfill('!nowhere:x', 10)).rejects.toMatchObject({
      errcode: 'M_NOT_FOUND',
    });
    await expect(b.fed.backfill(roomId, 0)).rejects.toMatchObject({ errcode: 'M_INVALID_PARAM' });

    // History moved neither the heads nor the current state.
    expect((await b.node.roomState(roomId)).heads).toEqual([join.eventId]);
    const records = await b.store.read(['events'], (txn) =>
      txn.events.byDepth(roomId as RoomId, 0, Number.MAX_SAFE_INTEGER),
    );
    expect(records.filter((r) => r.status !== 'accepted').map((r) => r.pdu.type)).toEqual([
      'm.room.create',
    ]);
    const asked = network.deliveries.map((d) => d.path.split('?')[0]!);
    // One /backfill per call that had somewhere to go; the state at each batch's oldest event.
    expect(asked.filter((p) => p.includes('/backfill/'))).toHaveLength(3);
    expect(asked.filter((p) => p.includes('/state_ids/'))).toHaveLength(3);
    expect(errors).toEqual([]);
  });

  it('pages the store back across backfilled history with stable positions', async () => {
    const { b, roomId } = await roomWithHistory(30);
    await b.fed.backfill(roomId, 100);
    // Page by 7 through the store's own timeline (tokens may go below zero).
    const seen: string[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await b.store.read(['events'], (txn) =>
        txn.events.timeline(
          roomId as RoomId,
          before === undefined ? { limit: 7 } : { before, limit: 7 },
        ),
      );
      seen.push(...page.events.map((e) => e.eventId));
      if (page.next === undefined) break;
      before = page.next;
    }
    const whole = (await b.node.timeline(roomId, { limit: 1000 })).items.map((i) => i.eventId);
    expect(seen).toEqual(whole);
    expect(new Set(seen).size).toBe(seen.length);
    // The node's own paging follows the same tokens, below zero included.
    const viaNode: string[] = [];
    let from: string | undefined;
    for (;;) {
      const page = await b.node.timeline(
        roomId,
        from === undefined ? { limit: 7 } : { from, limit: 7 },
      );
      viaNode.push(...page.items.map((item) => item.eventId));
      if (page.next === undefined) break;
      from = page.next;
    }
    expect(viaNode).toEqual(whole);
    expect(viaNode.length).toBeGreaterThan(30);
  });

  it("gives nothing of a 'joined' room's history from before the join: the server serves it redacted", async () => {
    const { b, roomId, errors } = await roomWithHistory(20, 'joined');
    const result = await b.fed.backfill(roomId, 100);
    expect(result.added).toBeGreaterThan(20);
    const items = await timeline(b, roomId);
    const messages = items.filter((i) => i.type === 'm.room.message');
    expect(messages).toHaveLength(20);
    expect(bodies(messages)).toEqual([]);
    expect(messages.every((m) => Object.keys(m.content).length === 0)).toBe(true);
    expect(errors).toEqual([]);
  });
});
