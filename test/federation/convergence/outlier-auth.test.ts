/**
 * After a remote join the room's earlier state is stored as outliers (known,
 * no state group). An event citing one as an AUTH event needs nothing more:
 * auth events need only be present and not rejected; only prev events need
 * their state. So no get_missing_events is asked for them.
 */
import { describe, expect, it } from 'vitest';
import { eventsByStatus, missingEventWalks, partitionable } from './helpers.js';

describe('auth events stored as outliers', () => {
  it('are not fetched again: no get_missing_events after a remote join', async () => {
    const { servers, network, heal, errors } = await partitionable(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Lobby', topic: 'Tea' });
    await b.fed.joinRoom(roomId, [a.name]);
    expect((await eventsByStatus(b, roomId)).outlier.length).toBeGreaterThan(0);

    // A's messages cite A's member event, the power levels and the create event,
    // all outliers on B; B's cite its own join and the same outliers on A's side.
    await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'from A' });
    await heal();
    await b.node.sendMessage(roomId, { msgtype: 'm.text', body: 'from B' });
    await a.node.setTopic(roomId, 'Coffee');
    await heal();

    expect(missingEventWalks(network)).toBe(0);
    expect(network.deliveries.filter((d) => d.path.includes('/event/'))).toEqual([]);
    const onB = await eventsByStatus(b, roomId);
    expect(onB.rejected).toEqual([]);
    expect(onB.soft_failed).toEqual([]);
    expect((await b.node.roomState(roomId)).topic).toBe('Coffee');
    expect(errors).toEqual([]);
  });
});
