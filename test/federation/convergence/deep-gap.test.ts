/**
 * A gap deeper than get_missing_events may walk (MAX_FETCH_ROUNDS rounds of
 * the walk's limit): the spec's fallback. C is left out of 300 of A's events
 * (A's queue for C is emptied, as a server that gives up on a long-offline
 * peer does), then hears only A's next message. The walk brings the newest
 * 250; for the oldest of them C asks `/state_ids` (the state before it),
 * fetches what it lacks and keeps it as OUTLIERS, then places the rest.
 */
import { describe, expect, it } from 'vitest';
import type { ServerName } from '../../../src/core/ids.js';
import { MAX_FETCH_ROUNDS } from '../../../src/node/inbound/inbound-processor.js';
import { partitionable, type Server, stateIds } from './helpers.js';

const text = (body: string) => ({ msgtype: 'm.text' as const, body });
const GAP = 300;

/** Forgets everything `from` has queued for `to`. */
async function dropQueue(from: Server, to: Server): Promise<void> {
  await from.store.write(['outbound'], async (txn) => {
    const items = await txn.outbound.peek(to.name as ServerName, 100_000);
    await txn.outbound.remove(items.map((item) => item.seq));
  });
}

describe('a gap deeper than the walk', () => {
  it('is closed from the state before it: the right state, the gap state as outliers', async () => {
    const { servers, network, heal, errors } = await partitionable(2);
    const [a, c] = servers as [Server, Server];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Lobby', topic: 'Tea' });
    await c.fed.joinRoom(roomId, [a.name]);
    await heal();
    const oldHeads = (await c.node.roomState(roomId)).heads;

    // A goes on without C: a topic and a name at the start of the gap, then many messages.
    a.fed.queue.stop();
    const topic = await a.node.setTopic(roomId, 'Coffee');
    const name = await a.node.setName(roomId, 'Kitchen');
    for (let sent = 0; sent < GAP; sent += 100) {
      await a.node.sendMessages(
        roomId,
        Array.from({ length: 100 }, (_, i) => text(`missed ${sent + i}`)),
      );
    }
    await a.fed.whenIdle();
    await dropQueue(a, c);
    await a.fed.queue.start();
    const deliveredBefore = network.deliveries.length;

    // One new message reaches C.
    const last = await a.node.sendMessage(roomId, text('are you there?'));
    await heal();

    const asked = network.deliveries.slice(deliveredBefore).map((d) => d.path.split('?')[0]!);
    expect(asked.filter((p) => p.includes('/get_missing_events/'))).toHaveLength(MAX_FETCH_ROUNDS);
    expect(asked.filter((p) => p.includes('/state_ids/'))).toHaveLength(1);
    const record = (id: string) => c.store.read(['events'], (txn) => txn.events.get(id as never));
    expect((await record(last))?.status).toBe('accepted');
    // The state before the gap's oldest walked event came from A; its events are outliers.
    expect((await record(topic))?.status).toBe('outlier');
    expect((await record(name))?.status).toBe('outlier');
    expect(await stateIds(c, roomId)).toEqual(await stateIds(a, roomId));
    const view = await c.node.roomState(roomId);
    expect(view.topic).toBe('Coffee');
    expect(view.name).toBe('Kitchen');
    // C's old head has children C never saw: it stays a head beside the new one.
    expect([...view.heads].sort()).toEqual([...oldHeads, last].sort());
    // The oldest missed messages were never fetched; the newest walked ones are in the timeline.
    const bodies = (await c.node.timeline(roomId, { limit: 1000 })).items.map((i) =>
      String(i.content.body),
    );
    expect(bodies).toContain(`missed ${GAP - 1}`);
    expect(bodies).not.toContain('missed 0');

    // C can talk again: its message (citing both heads) is accepted by A.
    const reply = await c.node.sendMessage(roomId, text('back'));
    await heal();
    const onA = await a.store.read(['events'], (txn) => txn.events.get(reply as never));
    expect(onA?.status).toBe('accepted');
    expect(errors).toEqual([]);
  });
});
