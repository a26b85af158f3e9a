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
});
