/**
 * Bad input over the network, end to end through `/send`: each bad PDU gets
 * the answer the spec's checks demand, changes nothing it should not, and the
 * node keeps serving — a normal message afterwards is accepted. Transaction
 * bounds, forged origins, bad JSON and txnId replays are covered in
 * test/federation/rooms/send.test.ts; here are the per-PDU checks over the
 * network, and replays by a duplicating link between real outbound queues.
 */
import { describe, expect, it } from 'vitest';
import { canonicalJsonBytes } from '../../../src/core/canonical-json.js';
import type { JsonObject } from '../../../src/core/json.js';
import { timelineIds } from '../join/helpers.js';
import { type Peer, publicRoomWith, roomEvents, roomNetwork, send } from '../rooms/helpers.js';
import { eventsByStatus, partitionable, type Server } from './helpers.js';

async function setup() {
  const net = await roomNetwork(2);
  const [a, b] = net.peers as [Peer, Peer];
  const { roomId, builder, join } = await publicRoomWith(a, b, net.now);
  return { ...net, a, b, roomId, builder, join };
}

/** `pdu` with one character of its server's signature changed. */
function forgeSignature(pdu: JsonObject, server: string): JsonObject {
  const copy = structuredClone(pdu);
  const signatures = (copy.signatures as Record<string, Record<string, string>>)[server]!;
  const [keyId, signature] = Object.entries(signatures)[0]!;
  signatures[keyId] = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
  return copy;
}

describe('bad PDUs over the network', () => {
  it('each gets its check’s answer, and the node keeps serving', async () => {
    const { a, b, roomId, builder, join } = await setup();
    const after = [join.eventId];

    // Bad signature (check 2): dropped, {error}, nothing stored.
    const signed = await builder.message('signed by someone else', after);
    const forged = forgeSignature(signed.pdu as unknown as JsonObject, b.name);
    const sigAnswer = await send(b, a, 'txn-sig', [forged]);
    expect(sigAnswer.pdus).toEqual({ [signed.eventId]: { error: expect.any(String) } });

    // Content hash mismatch (check 3): only the redacted form is kept; answer {}.
    const honest = await builder.message('the original words', after);
    const tampered = structuredClone(honest.pdu) as unknown as JsonObject;
    (tampered.content as JsonObject).body = 'words put in the sender’s mouth';
    const hashAnswer = await send(b, a, 'txn-hash', [tampered]);
    expect(hashAnswer.pdus).toEqual({ [honest.eventId]: {} });
    const stored = await a.store.read(['events'], (txn) => txn.events.get(honest.eventId));
    expect(stored?.pdu.content).toEqual({});

    // Over 65,536 bytes of canonical JSON (check 1): dropped before an event ID
    // is computed, so the answer has no key for it (as for any invalid PDU).
    const big = await builder.message('x'.repeat(66_000), after);
    expect(canonicalJsonBytes(big.pdu).length).toBeGreaterThan(65_536);
    expect(await send(b, a, 'txn-big', [big.pdu])).toEqual({ pdus: {} });

    // B (power 0) gives itself power 100 (check 4/5): stored rejected, answer {}.
    const levels = (await a.node.roomState(roomId)).powerLevels;
    const grab = await builder.event({
      type: 'm.room.power_levels',
      stateKey: '',
      content: { ...levels, users: { ...(levels.users as JsonObject), [b.user]: 100 } },
      prev: after,
    });
    const grabAnswer = await send(b, a, 'txn-grab', [grab.pdu]);
    expect(grabAnswer.pdus).toEqual({ [grab.eventId]: {} });

    const byStatus = await eventsByStatus({ store: a.store } as Server, roomId);
    expect(byStatus.rejected).toEqual([grab.eventId]);
    const storedIds = (await roomEvents(a.store, roomId)).map((e) => e.eventId);
    expect(storedIds).not.toContain(signed.eventId);
    expect(storedIds).not.toContain(big.eventId);
    expect((await a.node.roomState(roomId)).powerLevels).toEqual(levels);

    // Still serving: a normal message is accepted and shown.
    const fine = await builder.message('all good', after);
    expect(await send(b, a, 'txn-fine', [fine.pdu])).toEqual({ pdus: { [fine.eventId]: {} } });
    const page = await a.node.timeline(roomId, { limit: 1 });
    expect(page.items[0]).toMatchObject({ eventId: fine.eventId, status: 'accepted' });
  });
});

describe('replayed transactions', () => {
  it('a link that delivers every request twice changes nothing', async () => {
    const run = async (duplicate: number) => {
      const { servers, network, heal, tick } = await partitionable(3);
      const [a, b, c] = servers as [Server, Server, Server];
      if (duplicate > 0) for (const s of servers) network.setNodeConditions(s.name, { duplicate });
      const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Echo' });
      await b.fed.joinRoom(roomId, [a.name]);
      await heal();
      await c.fed.joinRoom(roomId, [a.name]);
      await heal();
      for (const [i, s] of servers.entries()) {
        await tick();
        await s.node.sendMessages(roomId, [
          { msgtype: 'm.text', body: `${i}a` },
          { msgtype: 'm.text', body: `${i}b` },
        ]);
        await heal();
      }
      await tick();
      await heal();
      const copies = network.deliveries.filter((d) => d.duplicate).length;
      return {
        copies,
        timelines: await Promise.all(servers.map((s) => timelineIds(s, roomId))),
        statuses: await Promise.all(servers.map((s) => eventsByStatus(s, roomId))),
      };
    };
    const once = await run(0);
    const twice = await run(1);
    expect(once.copies).toBe(0);
    expect(twice.copies).toBeGreaterThan(5);
    // Seeded identities and clock: the same events, the same timelines, the same statuses.
    expect(twice.timelines).toEqual(once.timelines);
    expect(twice.statuses).toEqual(once.statuses);
  });
});
