/**
 * Check 5 when check 4 passes: an event whose own auth events allow it is still
 * rejected when the state before it does not (checkAuth is only skipped when
 * both checks would see the very same events).
 */
import { describe, expect, it } from 'vitest';
import type { EventId } from '../../../src/core/ids.js';
import { stateKeyOf } from '../../../src/core/pdu.js';
import { newNode, text } from '../helpers.js';
import { join, keysOf, RemoteRoom, remoteServer } from './remote.js';

const remote = remoteServer('remote.example', 7);
const other = remoteServer('other.example', 9);
const carol = '@carol:other.example';
const keyLookup = keysOf(remote, other);

describe('check 5: auth against the state before the event', () => {
  it('rejects a message whose auth events predate a ban in the state before it', async () => {
    const t = await newNode();
    const roomId = await t.node.createRoom({ preset: 'public_chat', roomVersion: '12' });
    const room = new RemoteRoom(t.store, roomId, '12');
    await room.syncHeads();
    const receive = (events: { pdu: unknown }[]) =>
      t.node.receivePdus(
        'remote.example',
        events.map((e) => e.pdu),
        { keyLookup },
      );
    const carolJoin = await room.event(other, {
      type: 'm.room.member',
      stateKey: carol,
      sender: carol,
      content: join,
    });
    expect((await receive([carolJoin])).outcomes[carolJoin.eventId]!.status).toBe('accepted');
    await t.node.ban(roomId, carol, 'spam');
    const [afterBan] = await room.syncHeads();
    const room0 = await t.store.read(['rooms'], (txn) => txn.rooms.get(roomId as never));
    const state = await t.store.read(['stateGroups'], (txn) =>
      txn.stateGroups.resolve(room0!.stateGroup),
    );
    const powerLevels = state.get(stateKeyOf('m.room.power_levels', ''))!;
    // Built after the ban (it is its prev), but citing carol's join as if she were still in.
    const sneaky = await room.event(other, {
      type: 'm.room.message',
      sender: carol,
      content: text('banned, yet here'),
      prev: [afterBan!],
      auth: [powerLevels, carolJoin.eventId as EventId],
    });
    const report = await receive([sneaky]);
    expect(report.outcomes[sneaky.eventId]).toEqual({
      status: 'rejected',
      reason: expect.stringMatching(/^by the state before it: /),
    });
    const stored = await t.store.read(['events'], (txn) => txn.events.get(sneaky.eventId));
    expect(stored).toMatchObject({ status: 'rejected' });
    expect(stored!.streamOrder).toBeUndefined();
    // A message with the same auth events on the pre-ban branch passes all three checks.
    const before = await room.event(other, {
      type: 'm.room.message',
      sender: carol,
      content: text('before the ban'),
      prev: [carolJoin.eventId],
      auth: [powerLevels, carolJoin.eventId as EventId],
    });
    const status = (await receive([before])).outcomes[before.eventId]!.status;
    // Check 6 (the current state has the ban) soft-fails it: checks 4 and 5 passed.
    expect(status).toBe('soft_failed');
    t.node.close();
  });
});
