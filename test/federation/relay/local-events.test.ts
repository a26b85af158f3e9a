import { describe, expect, it } from 'vitest';
import type { EventId, ServerName } from '../../../src/core/ids.js';
import { isJsonObject } from '../../../src/core/json.js';
import { federation, messages } from '../join/helpers.js';

describe('LocalEventRelay', () => {
  it('queues each local event once per server, in order, before its timeline change is heard', async () => {
    const { servers, settle } = await federation(3);
    const [a, b, c] = servers as [(typeof servers)[0], (typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Relay' });
    await b.fed.joinRoom(roomId, [a.name]);
    await c.fed.joinRoom(roomId, [a.name]);
    await settle();
    const before = a.outbound.length;

    const heard: EventId[] = [];
    const stop = a.node.onCommittedEvents(({ events }) =>
      heard.push(...events.map((e) => e.eventId)),
    );
    const batch = await a.node.sendMessages(roomId, [
      { msgtype: 'm.text', body: 'one' },
      { msgtype: 'm.text', body: 'two' },
    ]);
    const single = await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'three' });
    stop();
    await settle();

    expect(heard).toEqual([...batch, single]);
    const sent = a.outbound.slice(before).filter((e) => e.type === 'sent');
    for (const server of [b, c]) {
      const pdus = sent
        .filter((e) => e.destination === server.name)
        .reduce((sum, e) => sum + (e.type === 'sent' ? e.pdus : 0), 0);
      // Three events, each queued once: the timeline change did not queue them again.
      expect(pdus).toBe(3);
      expect((await messages(server, roomId)).slice(-3)).toEqual(['one', 'two', 'three']);
    }
  });

  it("commits a local send's queue entries in the send's own transaction, once", async () => {
    const { servers, network, settle } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Outbox' });
    await b.fed.joinRoom(roomId, [a.name]);
    await settle();
    network.setOffline(b.name);
    const queuedBodies = () =>
      a.store.read(['outbound'], async (txn) =>
        (await txn.outbound.peek(b.name as ServerName, 50)).map((item) =>
          isJsonObject(item.payload.content) ? item.payload.content.body : undefined,
        ),
      );

    await a.node.sendMessages(roomId, [{ msgtype: 'm.text', body: 'queued' }]);
    // Read as soon as the send resolves: a queue written after the commit
    // (the relay's committed-events path) would not be there yet.
    expect(await queuedBodies()).toEqual(['queued']);
    // Nothing queues it a second time later.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await queuedBodies()).toEqual(['queued']);

    network.setOffline(b.name, false);
    a.fed.queue.wake(b.name as ServerName);
    await settle();
    expect((await messages(b, roomId)).at(-1)).toBe('queued');
  });
});
