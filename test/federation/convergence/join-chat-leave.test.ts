/**
 * The whole life of a membership across three nodes: A creates a public room,
 * B and C join through A, all three chat (some messages concurrently, so the
 * DAG forks and merges), C leaves. Every node ends with the same timeline
 * events, the same members and the same current state; after the leave, C is
 * no longer sent the room's events.
 */
import { describe, expect, it } from 'vitest';
import { timelineIds } from '../join/helpers.js';
import { eventsByStatus, partitionable, type Server, stateDigest } from './helpers.js';

const text = (body: string) => ({ msgtype: 'm.text' as const, body });

async function membership(server: Server, roomId: string): Promise<Record<string, string>> {
  const members = await server.node.members(roomId);
  return Object.fromEntries(members.map((m) => [m.userId, m.membership]));
}

describe('join, chat, leave across three nodes', () => {
  it('all three agree on the timeline, the members and the state', async () => {
    const { servers, heal, tick, errors } = await partitionable(3);
    const [a, b, c] = servers as [Server, Server, Server];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Lobby' });
    await b.fed.joinRoom(roomId, [a.name]);
    await heal();
    await c.fed.joinRoom(roomId, [b.name]);
    await heal();

    for (let round = 0; round < 3; round++) {
      await tick();
      // Concurrent: the three messages build on the same heads, then merge.
      await Promise.all(
        servers.map((s, i) => s.node.sendMessage(roomId, text(`round ${round} from ${i}`))),
      );
      await heal();
    }
    await tick();
    await a.node.sendMessage(roomId, text('merge'));
    await heal();

    const cJoin = (await c.node.timeline(roomId, { limit: 500 })).items.at(-1)!;
    expect(cJoin).toMatchObject({ type: 'm.room.member', stateKey: c.user });
    const since = async (s: Server) => {
      const ids = await timelineIds(s, roomId);
      return ids.slice(ids.indexOf(cJoin.eventId)).sort();
    };
    const onC = await since(c);
    expect(onC).toHaveLength(1 + 9 + 1);
    expect(await since(a)).toEqual(onC);
    expect(await since(b)).toEqual(onC);

    await tick();
    await c.node.leave(roomId);
    await heal();
    const leftOnC = await membership(c, roomId);
    expect(leftOnC).toEqual({ [a.user]: 'join', [b.user]: 'join', [c.user]: 'leave' });
    expect(await membership(a, roomId)).toEqual(leftOnC);
    expect(await membership(b, roomId)).toEqual(leftOnC);
    const digest = await stateDigest(a, roomId);
    expect(await stateDigest(b, roomId)).toBe(digest);
    expect(await stateDigest(c, roomId)).toBe(digest);
    for (const s of servers) {
      const byStatus = await eventsByStatus(s, roomId);
      expect(byStatus.rejected).toEqual([]);
      expect(byStatus.soft_failed).toEqual([]);
    }
    // What B and C accepted, A accepted too (B and C joined later: no backfill yet).
    const onA = new Set((await eventsByStatus(a, roomId)).accepted);
    for (const s of [b, c])
      for (const id of (await eventsByStatus(s, roomId)).accepted) expect(onA).toContain(id);

    // C has left: A and B go on, and nothing more is queued for C.
    await tick();
    await a.node.sendMessage(roomId, text('after C left'));
    await heal();
    expect((await timelineIds(b, roomId)).at(-1)).toBe((await timelineIds(a, roomId)).at(-1));
    expect(await timelineIds(c, roomId)).not.toContain((await timelineIds(a, roomId)).at(-1));
    expect((await c.node.rooms()).find((r) => r.roomId === roomId)?.membership).toBe('leave');
    expect(errors).toEqual([]);
  });
});
