import { describe, expect, it } from 'vitest';
import type { EventId, RoomId } from '../../src/core/ids.js';
import type { Pdu } from '../../src/core/pdu.js';
import type { ReceivedInvite } from '../../src/node/membership/received-invites.js';
import { newNode, reopen } from './helpers.js';

/** Invites received over federation live in the store: a closed tab keeps them. */

function invite(roomId: string, receivedTs: number, userId: string): ReceivedInvite {
  const event = {
    type: 'm.room.member',
    state_key: userId,
    sender: '@carol:remote.example',
    room_id: roomId,
    origin_server_ts: receivedTs - 5,
    content: { membership: 'invite' },
    depth: 3,
    prev_events: [],
    auth_events: [],
    hashes: { sha256: 'x' },
    signatures: {},
  } as unknown as Pdu;
  return {
    roomId: roomId as RoomId,
    roomVersion: '12',
    eventId: `$invite-${receivedTs}` as EventId,
    event,
    inviter: '@carol:remote.example',
    strippedState: [
      {
        type: 'm.room.name',
        state_key: '',
        sender: '@carol:remote.example',
        content: { name: `Room ${receivedTs}` },
      },
    ],
    receivedTs,
  };
}

describe('received invites', () => {
  it('survive a reopen, newest first, and stay removed once removed', async () => {
    let t = await newNode('alice');
    const me = (await t.node.identity()).userId;
    await t.node.storeInvite(invite('!older:remote.example', 1000, me));
    await t.node.storeInvite(invite('!newer:remote.example', 2000, me));
    t = await reopen(t);
    const listed = (await t.node.rooms()).filter((room) => room.membership === 'invite');
    expect(listed.map((room) => [room.roomId, room.name])).toEqual([
      ['!newer:remote.example', 'Room 2000'],
      ['!older:remote.example', 'Room 1000'],
    ]);
    expect(await t.node.receivedInvite('!older:remote.example')).toMatchObject({
      receivedTs: 1000,
    });
    expect(await t.node.removeInvite('!older:remote.example')).toBe(true);
    expect(await t.node.removeInvite('!older:remote.example')).toBe(false);
    t = await reopen(t);
    expect((await t.node.invites()).map((i) => i.roomId)).toEqual(['!newer:remote.example']);
  });

  it('the room list, read as each change is heard, holds every room and invite it names', async () => {
    const t = await newNode('alice');
    const me = (await t.node.identity()).userId;
    await t.node.rooms(); // the list is in memory from here on
    const seen: string[][] = [];
    const reads: Promise<void>[] = [];
    await t.node.subscribe((change) => {
      if (change.kind !== 'rooms') return;
      reads.push(t.node.rooms().then((rooms) => void seen.push(rooms.map((r) => r.roomId))));
    });
    const first = await t.node.createRoom({ name: 'One' });
    await t.node.storeInvite(invite('!invited:remote.example', 3000, me));
    const second = await t.node.createRoom({ name: 'Two' });
    await t.node.removeInvite('!invited:remote.example');
    await Promise.all(reads);
    expect(seen[0]).toEqual([first]);
    expect(seen.some((ids) => ids.includes('!invited:remote.example'))).toBe(true);
    expect(seen.at(-1)?.sort()).toEqual([first, second].sort());
    t.node.forgetRoomState(first);
    expect((await t.node.rooms()).map((r) => r.roomId).sort()).toEqual([first, second].sort());
  });
});
