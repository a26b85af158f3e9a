import { describe, expect, it } from 'vitest';
import type { EventId, RoomId } from '../../../src/core/ids.js';
import type { JsonObject } from '../../../src/core/json.js';
import { RemoteMatrixError } from '../../../src/federation/remote-errors.js';
import { fetchMissingFrom } from '../../../src/federation/rooms/fetch-missing.js';
import { deliveriesTo } from '../helpers.js';
import { mirrorRoom, type Peer, publicRoomWith, roomNetwork, send } from './helpers.js';

const gme = (roomId: string) =>
  `/_matrix/federation/v1/get_missing_events/${encodeURIComponent(roomId)}`;

describe('fetching missing events for /send', () => {
  it('fetches missing prev_events from the origin with get_missing_events and accepts all', async () => {
    const net = await roomNetwork(2);
    const [a, b] = net.peers as [Peer, Peer];
    const { roomId, builder } = await publicRoomWith(a, b, net.now);
    await mirrorRoom(a, b, roomId);
    const m1 = await builder.message('one');
    const m2 = await builder.message('two');
    const m3 = await builder.message('three');
    // B stores its own events (as its node would after sending them).
    const own = await b.node.receivePdus(b.name, [m1.pdu, m2.pdu, m3.pdu], {
      keyLookup: b.fed.keyRing.lookup,
    });
    expect(Object.values(own.outcomes).map((o) => o.status)).toEqual([
      'accepted',
      'accepted',
      'accepted',
    ]);
    // A hears only m3: its prevs m2, m1 are fetched from B.
    const answer = await send(b, a, 'txn-gap', [m3.pdu]);
    expect(answer).toEqual({ pdus: { [m3.eventId]: {} } });
    expect(deliveriesTo(net.network, b.name, gme(roomId))).toBe(1);
    const page = await a.node.timeline(roomId, { limit: 3 });
    expect(page.items.map((i) => i.eventId)).toEqual([m3.eventId, m2.eventId, m1.eventId]);
    const records = await a.store.read(['events'], (txn) =>
      Promise.all([m1, m2, m3].map((m) => txn.events.get(m.eventId))),
    );
    expect(records.map((r) => r?.status)).toEqual(['accepted', 'accepted', 'accepted']);
  });

  it('answers an error for the event when the origin cannot fill the gap, storing nothing', async () => {
    const net = await roomNetwork(2);
    const [a, b] = net.peers as [Peer, Peer];
    const { roomId, builder } = await publicRoomWith(a, b, net.now);
    // B has no copy of the room: its get_missing_events and /event answer 404.
    await builder.message('lost');
    const m2 = await builder.message('orphan');
    const answer = (await send(b, a, 'txn-orphan', [m2.pdu])) as {
      pdus: Record<string, JsonObject>;
    };
    expect(answer.pdus[m2.eventId]?.error).toMatch(/missing prev events/);
    expect(deliveriesTo(net.network, b.name, gme(roomId))).toBe(1);
    const stored = await a.store.read(['events'], (txn) => txn.events.get(m2.eventId));
    expect(stored).toBeUndefined();
  });
});

describe('fetchMissingFrom', () => {
  /** A client stub answering get_missing_events and /event from `events` (or failing). */
  function stubClient(events: Record<string, JsonObject>, walk: JsonObject[] | 'fail') {
    const calls: string[] = [];
    const client = {
      request: async (_destination: string, method: string, path: string): Promise<JsonObject> => {
        calls.push(`${method} ${path}`);
        if (method === 'POST') {
          if (walk === 'fail') throw new RemoteMatrixError('b', 404, 'M_NOT_FOUND', 'no');
          return { events: walk };
        }
        const id = decodeURIComponent(path.split('/').at(-1)!);
        const pdu = events[id];
        if (pdu === undefined) throw new RemoteMatrixError('b', 404, 'M_NOT_FOUND', 'no');
        return { origin: 'b', origin_server_ts: 1, pdus: [pdu] };
      },
    };
    return { client, calls };
  }
  const request = {
    roomId: '!r:b' as RoomId,
    missing: ['$x', '$y'] as EventId[],
    latest: ['$z'] as EventId[],
    earliest: ['$h'] as EventId[],
  };

  it('walks first, then fetches by ID what a walk did not bring', async () => {
    const { client, calls } = stubClient({ $y: { n: 2 } }, [{ n: 1 }]);
    const fetch = fetchMissingFrom('b', { client });
    expect(await fetch(request)).toEqual([{ n: 1 }]);
    expect(calls).toEqual([
      `POST /_matrix/federation/v1/get_missing_events/${encodeURIComponent('!r:b')}`,
    ]);
    // Next round: the same IDs are still missing (e.g. auth events): fetched one by one.
    expect(await fetch({ ...request, missing: ['$y'] as EventId[] })).toEqual([{ n: 2 }]);
    expect(calls.at(-1)).toBe(`GET /_matrix/federation/v1/event/${encodeURIComponent('$y')}`);
  });

  it('falls back to /event at once when the walk fails, reporting errors', async () => {
    const errors: unknown[] = [];
    const { client } = stubClient({ $x: { n: 1 } }, 'fail');
    const fetch = fetchMissingFrom('b', { client, onError: (e) => errors.push(e) });
    expect(await fetch(request)).toEqual([{ n: 1 }]);
    expect(errors).toHaveLength(2); // the walk and $y
  });
});
