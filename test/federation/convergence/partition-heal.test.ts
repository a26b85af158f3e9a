/**
 * Partition {A, B} | {C}, conflicting state changes on each side, heal: every
 * node ends with the same resolved current state (room version 12, state
 * resolution v2.1), and each conflict ends the way the rules demand — worked
 * out below from the algorithm, not just compared across nodes:
 *
 * - power events (power levels, join rules, bans of others) are checked first,
 *   in reverse topological power ordering: an event whose sender has more
 *   power (by its own auth events) goes first when neither is an auth
 *   ancestor of the other;
 * - the other events follow in mainline ordering: an event based on a newer
 *   power levels event of the resolved mainline comes later (and so wins),
 *   whatever the timestamps; timestamps only break ties of one position.
 *
 * Soft failure is each node's own judgement against its current state when an
 * event arrives: a partition-era event that loses is accepted by its sender's
 * node and soft-failed by the others (the spec's design, checked exactly).
 */
import { describe, expect, it } from 'vitest';
import { eventsByStatus, partitionable, type Server, stateDigest, stateIds } from './helpers.js';

const text = (body: string) => ({ msgtype: 'm.text' as const, body });
type Setup = Awaited<ReturnType<typeof setup>>;

/** A creates a public room (v12: A is its creator), B and C join, C gets power 50. */
async function setup() {
  const net = await partitionable(3);
  const [a, b, c] = net.servers as [Server, Server, Server];
  const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Lobby', topic: 'Tea' });
  await b.fed.joinRoom(roomId, [a.name]);
  await net.heal();
  await c.fed.joinRoom(roomId, [a.name]);
  await net.heal();
  await net.tick();
  await a.node.setPowerLevel(roomId, c.user, 50);
  await net.heal();
  const before = await stateIds(a, roomId);
  return { ...net, a, b, c, roomId, before };
}

/** Status of each of `ids` on `server`. */
async function statuses(server: Server, roomId: string, ids: Record<string, string>) {
  const byStatus = await eventsByStatus(server, roomId);
  const statusOf = (id: string) =>
    Object.entries(byStatus).find(([, list]) => list.includes(id))?.[0] ?? 'unknown';
  return Object.fromEntries(Object.entries(ids).map(([name, id]) => [name, statusOf(id)]));
}

async function expectSameState({ servers, roomId }: Setup): Promise<Record<string, string>> {
  const digests = await Promise.all(servers.map((s) => stateDigest(s, roomId)));
  expect(new Set(digests).size).toBe(1);
  const state = await stateIds(servers[0]!, roomId);
  for (const s of servers) expect(await stateIds(s, roomId)).toEqual(state);
  // The same events are known everywhere, and none is rejected.
  const known = async (s: Server) => {
    const byStatus = await eventsByStatus(s, roomId);
    expect(byStatus.rejected).toEqual([]);
    return [...byStatus.accepted, ...byStatus.soft_failed, ...byStatus.outlier].sort();
  };
  const onA = await known(servers[0]!);
  for (const s of servers.slice(1)) {
    for (const id of await known(s)) expect(onA).toContain(id);
  }
  return state;
}

describe('partition and heal with conflicting state', () => {
  it('power levels, join rules and topic resolve as state resolution v2.1 demands', async () => {
    const ctx = await setup();
    const { a, b, c, roomId, partition, heal, tick, drain, errors } = ctx;
    partition([[a, b], [c]]);
    const ids: Record<string, string> = {};
    await tick();
    // Side {A, B}: A (creator, infinite power) raises B to 50.
    ids.raise = await a.node.setPowerLevel(roomId, b.user, 50);
    await tick();
    // Side {C}: C (50) closes the room: invite only.
    ids.joinRules = await c.node.setJoinRule(roomId, 'invite');
    await tick();
    // A's topic cites A's new power levels; C's, one tick later, the old ones.
    ids.topicA = await a.node.setTopic(roomId, 'Tea (A)');
    await tick();
    ids.topicC = await c.node.setTopic(roomId, 'Coffee (C)');
    await tick();
    ids.bSpeaks = await b.node.sendMessage(roomId, text('B speaks'));
    ids.cSpeaks = await c.node.sendMessage(roomId, text('C speaks'));
    await drain();
    // While partitioned, each side has its own view.
    expect((await b.node.roomState(roomId)).topic).toBe('Tea (A)');
    expect((await c.node.roomState(roomId)).topic).toBe('Coffee (C)');

    await tick();
    await heal();
    const state = await expectSameState(ctx);
    // Power levels: only A changed them (C cannot): A's event.
    expect(state['m.room.power_levels|']).toBe(ids.raise);
    // Join rules, a power event: C still has 50 ≥ state_default under A's
    // power levels, so C's change passes and stays (the only change of the key).
    expect(state['m.room.join_rules|']).toBe(ids.joinRules);
    // Topic: A's cites the resolved power levels (mainline position 0), C's an
    // older one: A's is applied last and wins, although C's is later in time.
    expect(state['m.room.topic|']).toBe(ids.topicA);
    for (const s of [a, b, c]) {
      const view = await s.node.roomState(roomId);
      expect([view.topic, view.joinRule]).toEqual(['Tea (A)', 'invite']);
      expect(view.powerLevels.users).toMatchObject({ [b.user]: 50, [c.user]: 50 });
    }
    // No event lost its sender's power: all accepted everywhere, the losing topic too.
    const accepted = Object.fromEntries(Object.keys(ids).map((k) => [k, 'accepted']));
    for (const s of [a, b, c]) expect(await statuses(s, roomId, ids)).toEqual(accepted);
    expect(errors).toEqual([]);
  });

  it('a ban that loses: the target was raised to the banner’s level on the other side', async () => {
    const ctx = await setup();
    const { a, b, c, roomId, partition, heal, tick, drain, before, errors } = ctx;
    partition([[a, b], [c]]);
    const ids: Record<string, string> = {};
    await tick();
    // C (50) bans B (0 in C's view); on the other side A raises B to 50 and B speaks.
    ids.ban = await c.node.ban(roomId, b.user, 'partition');
    await tick();
    ids.raise = await a.node.setPowerLevel(roomId, b.user, 50);
    await tick();
    ids.bSpeaks = await b.node.sendMessage(roomId, text('B speaks'));
    await drain();
    expect((await c.node.members(roomId)).find((m) => m.userId === b.user)?.membership).toBe('ban');

    await tick();
    await heal();
    const state = await expectSameState(ctx);
    // Both are power events with no auth path between them: A's power levels
    // (infinite power) sort before C's ban (50), so the ban is checked with B
    // at 50 — not below C's 50 — and refused: B stays joined. A's power levels stay.
    expect(state[`m.room.member|${b.user}`]).toBe(before[`m.room.member|${b.user}`]);
    expect(state['m.room.power_levels|']).toBe(ids.raise);
    // The ban fails against the current state where it arrives: soft-failed
    // on A and B, accepted by C (its own).
    const onAB = { ban: 'soft_failed', raise: 'accepted', bSpeaks: 'accepted' };
    expect(await statuses(a, roomId, ids)).toEqual(onAB);
    expect(await statuses(b, roomId, ids)).toEqual(onAB);
    // On C, B's message is judged against C's current state when it arrives.
    // A's and B's queues deliver to C independently: if A's power levels come
    // first, B is no longer banned there and the message is accepted; if B's
    // message comes first, B is still banned in C's current state and it is
    // soft-failed. Both are what the spec asks; the resolved state is the same.
    const onC = await statuses(c, roomId, ids);
    expect(onC).toMatchObject({ ban: 'accepted', raise: 'accepted' });
    expect(['accepted', 'soft_failed']).toContain(onC.bSpeaks);

    // The room goes on: B speaks again, and it reaches everyone.
    await tick();
    const after = await b.node.sendMessage(roomId, text('still here'));
    await heal();
    for (const s of [a, c]) expect((await statuses(s, roomId, { after })).after).toBe('accepted');
    await expectSameState(ctx);
    expect(errors).toEqual([]);
  });

  it('a winning ban: the banned member’s partition-era events are soft-failed and its state changes lose', async () => {
    const ctx = await setup();
    const { a, b, c, roomId, partition, heal, tick, drain, before, errors } = ctx;
    partition([[a, b], [c]]);
    const ids: Record<string, string> = {};
    await tick();
    // Side {C}: C (50) changes the topic and the join rules, and speaks.
    ids.topicC = await c.node.setTopic(roomId, 'Coffee (C)');
    ids.joinRules = await c.node.setJoinRule(roomId, 'invite');
    ids.cSpeaks = await c.node.sendMessage(roomId, text('C speaks'));
    await tick();
    // Side {A, B}: B speaks, then A bans C.
    ids.bSpeaks = await b.node.sendMessage(roomId, text('B speaks'));
    await drain();
    await tick();
    ids.ban = await a.node.ban(roomId, c.user, 'partition');
    await drain();

    await tick();
    await heal();
    const state = await expectSameState(ctx);
    // The ban (A: infinite power) is a power event; C's join rules change sorts
    // after it and fails (C is banned), and so does C's topic in the mainline step.
    expect(state[`m.room.member|${c.user}`]).toBe(ids.ban);
    expect(state['m.room.join_rules|']).toBe(before['m.room.join_rules|']);
    expect(state['m.room.topic|']).toBe(before['m.room.topic|']);
    expect(state['m.room.power_levels|']).toBe(before['m.room.power_levels|']);
    for (const s of [a, b, c]) {
      const view = await s.node.roomState(roomId);
      expect([view.topic, view.joinRule]).toEqual(['Tea', 'public']);
    }
    // A and B soft-fail everything C did in the partition (C is banned in their
    // current state); C accepted its own events, then A's ban.
    const onOthers = {
      topicC: 'soft_failed',
      joinRules: 'soft_failed',
      cSpeaks: 'soft_failed',
      bSpeaks: 'accepted',
      ban: 'accepted',
    };
    expect(await statuses(a, roomId, ids)).toEqual(onOthers);
    expect(await statuses(b, roomId, ids)).toEqual(onOthers);
    expect(await statuses(c, roomId, ids)).toEqual({
      topicC: 'accepted',
      joinRules: 'accepted',
      cSpeaks: 'accepted',
      bSpeaks: 'accepted',
      ban: 'accepted',
    });
    // C can no longer send; A and B go on without it.
    await expect(c.node.sendMessage(roomId, text('let me in'))).rejects.toMatchObject({
      errcode: 'M_FORBIDDEN',
    });
    expect(errors).toEqual([]);
  });
});
