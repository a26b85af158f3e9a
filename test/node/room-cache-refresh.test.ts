import { describe, expect, it } from 'vitest';
import type { EventId } from '../../src/core/ids.js';
import { newNode, text } from './helpers.js';
import { keysOf, remoteServer, roomWithRemoteMember } from './inbound/remote.js';

const remote = remoteServer('remote.example', 7);
const bob = '@bob:remote.example';
const keyLookup = keysOf(remote);

/**
 * After inbound events the node's room state in memory is brought up to date
 * (record and head depth read again when the state did not move, the whole
 * state when it did): what the local user sends next must build on it.
 */
describe('room cache after inbound events', () => {
  async function setup() {
    const t = await newNode();
    const { roomId, room } = await roomWithRemoteMember(t, remote, bob, '12', keyLookup);
    return { t, roomId, room };
  }
  const recordOf = (t: Awaited<ReturnType<typeof newNode>>, id: string) =>
    t.store.read(['events'], (txn) => txn.events.get(id as EventId));

  it('a local send after remote messages cites the newest and is one deeper', async () => {
    const { t, roomId, room } = await setup();
    // The cache is loaded before the messages arrive.
    await t.node.sendMessage(roomId, text('before'));
    await room.syncHeads();
    let last = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('1'),
    });
    for (let i = 2; i <= 3; i++) {
      await t.node.receivePdus('remote.example', [last.pdu], { keyLookup });
      last = await room.event(remote, {
        type: 'm.room.message',
        sender: bob,
        content: text(`${i}`),
      });
    }
    await t.node.receivePdus('remote.example', [last.pdu], { keyLookup });
    const mine = await recordOf(t, await t.node.sendMessage(roomId, text('after')));
    expect(mine!.pdu.prev_events).toEqual([last.eventId]);
    expect(mine!.pdu.depth).toBe((last.pdu.depth as number) + 1);
  });

  it('a remote state change is seen in the state the node shows and builds on', async () => {
    const { t, roomId, room } = await setup();
    await t.node.setPowerLevel(roomId, bob, 100);
    await room.syncHeads();
    expect((await t.node.roomState(roomId)).topic).toBeUndefined();
    const topic = await room.event(remote, {
      type: 'm.room.topic',
      stateKey: '',
      sender: bob,
      content: { topic: 'From afar' },
    });
    await t.node.receivePdus('remote.example', [topic.pdu], { keyLookup });
    expect((await t.node.roomState(roomId)).topic).toBe('From afar');
    const mine = await recordOf(t, await t.node.sendMessage(roomId, text('seen it')));
    expect(mine!.pdu.prev_events).toEqual([topic.eventId]);
    expect(mine!.pdu.auth_events).not.toContain(topic.eventId);
  });

  it('inbound accepted events are heard with their PDUs before their timeline change', async () => {
    const { t, roomId, room } = await setup();
    await room.syncHeads();
    const hello = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('hi'),
    });
    const heard: string[] = [];
    t.node.onCommittedEvents(({ roomId: id, events }) => {
      for (const e of events) heard.push(`committed ${id} ${e.eventId} ${e.pdu.sender}`);
    });
    await t.node.subscribe((change) => {
      if (change.kind === 'timeline') heard.push(`timeline ${change.eventIds.join()}`);
    });
    await t.node.receivePdus('remote.example', [hello.pdu], { keyLookup });
    expect(heard).toEqual([
      `committed ${roomId} ${hello.eventId} ${bob}`,
      `timeline ${hello.eventId}`,
    ]);
  });

  it('the room list after remote messages holds the record as stored, newest item first', async () => {
    const { t, roomId, room } = await setup();
    expect((await t.node.rooms())[0]?.unreadCount).toBe(0);
    await room.syncHeads();
    const one = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('1'),
    });
    const two = await room.event(remote, {
      type: 'm.room.message',
      sender: bob,
      content: text('2'),
    });
    await t.node.receivePdus('remote.example', [one.pdu], { keyLookup });
    await t.node.receivePdus('remote.example', [two.pdu], { keyLookup });
    const stored = await t.store.read(['rooms'], (txn) => txn.rooms.get(roomId as never));
    const [summary] = await t.node.rooms();
    expect(summary).toMatchObject({ unreadCount: 2, lastEvent: { eventId: two.eventId } });
    expect(stored).toMatchObject({
      unreadCount: 2,
      heads: [two.eventId],
      lastEventId: two.eventId,
    });
  });
});
