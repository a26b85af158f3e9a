import { describe, expect, it } from 'vitest';
import type { FederationRequest } from '../../../src/federation/transport.js';
import { text } from '../helpers.js';
import {
  type Peer,
  publicRoomWith,
  remoteError,
  roomEvents,
  roomNetwork,
  send,
} from './helpers.js';

/** A (resident) and B (joined by hand), plus C (in no room). */
async function setup() {
  const net = await roomNetwork(3);
  const [a, b, c] = net.peers as [Peer, Peer, Peer];
  const { roomId, builder, join } = await publicRoomWith(a, b, net.now);
  return { ...net, a, b, c, roomId, builder, join };
}

describe('PUT /send/{txnId}', () => {
  it("accepts a hand-built join, then the joined server's messages, into A's timeline", async () => {
    const { a, b, roomId, builder, join } = await setup();
    expect((await a.node.members(roomId)).map((m) => m.userId)).toContain(b.user);
    const m1 = await builder.message('hello from B');
    const m2 = await builder.message('second');
    const answer = await send(b, a, 'txn-1', [m1.pdu, m2.pdu]);
    expect(answer).toEqual({ pdus: { [m1.eventId]: {}, [m2.eventId]: {} } });
    const page = await a.node.timeline(roomId, { limit: 3 });
    expect(page.items.map((i) => i.eventId)).toEqual([m2.eventId, m1.eventId, join.eventId]);
    expect(page.items[0]).toMatchObject({ sender: b.user, status: 'accepted' });
  });

  it('answers a replayed txnId with the stored answer and processes nothing', async () => {
    const { a, b, roomId, builder } = await setup();
    const m1 = await builder.message('once');
    const first = await send(b, a, 'txn-replay', [m1.pdu]);
    const before = await roomEvents(a.store, roomId);
    // Same txnId, another PDU: the answer is the first one and the new PDU is not stored.
    const m2 = await builder.message('never processed');
    const again = await send(b, a, 'txn-replay', [m2.pdu]);
    expect(again).toEqual(first);
    expect(await roomEvents(a.store, roomId)).toEqual(before);
    // The same txnId from another origin is another transaction.
    const record = await a.store.read(['txnIds'], (txn) =>
      txn.txnIds.get(b.name as never, 'txn-replay'),
    );
    expect(record).toMatchObject({ origin: b.name, txnId: 'txn-replay', result: first });
  });

  it('gives concurrent duplicates one processing and one answer', async () => {
    const { a, b, builder } = await setup();
    const m1 = await builder.message('dup');
    const [x, y] = await Promise.all([
      send(b, a, 'txn-dup', [m1.pdu]),
      send(b, a, 'txn-dup', [m1.pdu]),
    ]);
    expect(x).toEqual({ pdus: { [m1.eventId]: {} } });
    expect(y).toEqual(x);
  });

  it('refuses more than 50 PDUs or 100 EDUs with 400 M_BAD_JSON, storing nothing', async () => {
    const { a, b, roomId, builder } = await setup();
    const before = await roomEvents(a.store, roomId);
    const pdus = [];
    for (let i = 0; i < 51; i++) pdus.push((await builder.message(`m${i}`)).pdu);
    const tooMany = await remoteError(send(b, a, 'txn-51', pdus));
    expect([tooMany.httpStatus, tooMany.errcode]).toEqual([400, 'M_BAD_JSON']);
    const edus = Array.from({ length: 101 }, () => ({ edu_type: 'm.typing', content: {} }));
    const tooManyEdus = await remoteError(send(b, a, 'txn-edus', [], { edus }));
    expect([tooManyEdus.httpStatus, tooManyEdus.errcode]).toEqual([400, 'M_BAD_JSON']);
    expect(await roomEvents(a.store, roomId)).toEqual(before);
    // 50 is allowed.
    const answer = await send(b, a, 'txn-50', pdus.slice(0, 50));
    expect(Object.keys(answer.pdus as object)).toHaveLength(50);
  });

  it('refuses a body whose origin is not the signing server with 403 M_FORBIDDEN', async () => {
    const { a, b, c, builder } = await setup();
    const m1 = await builder.message('spoofed');
    const error = await remoteError(send(b, a, 'txn-spoof', [m1.pdu], { origin: c.name }));
    expect([error.httpStatus, error.errcode]).toEqual([403, 'M_FORBIDDEN']);
    const stored = await a.store.read(['events'], (txn) => txn.events.get(m1.eventId));
    expect(stored).toBeUndefined();
  });

  it('answers bad JSON with 400', async () => {
    const { a, b } = await setup();
    const raw: FederationRequest = {
      method: 'PUT',
      path: '/_matrix/federation/v1/send/txn-raw',
      headers: { 'content-type': 'application/json' },
      body: new TextEncoder().encode('{"pdus": ['),
    };
    const response = await b.fed.transport.request(a.name, raw);
    expect(response.status).toBe(400);
    expect(JSON.parse(text(response.body))).toMatchObject({ errcode: 'M_NOT_JSON' });
    const shape = await remoteError(send(b, a, 'txn-shape', [], { pdus: 'nope' }));
    expect([shape.httpStatus, shape.errcode]).toEqual([400, 'M_BAD_JSON']);
    const noTs = await remoteError(send(b, a, 'txn-ts', [], { origin_server_ts: 'x' }));
    expect([noTs.httpStatus, noTs.errcode]).toEqual([400, 'M_BAD_JSON']);
  });

  it('accepts and ignores EDUs, and leaves out PDUs of unknown rooms', async () => {
    const { a, b, builder } = await setup();
    const edus = [{ edu_type: 'm.typing', content: { room_id: '!x', user_id: b.user } }];
    expect(await send(b, a, 'txn-edu', [], { edus })).toEqual({ pdus: {} });
    const m1 = await builder.message('elsewhere');
    const elsewhere = { ...m1.pdu, room_id: '!unknown:example.org' };
    expect(await send(b, a, 'txn-room', [elsewhere])).toEqual({ pdus: {} });
  });

  it('needs a signed request', async () => {
    const { a, b } = await setup();
    const response = await b.fed.transport.request(a.name, {
      method: 'PUT',
      path: '/_matrix/federation/v1/send/txn-unsigned',
      headers: {},
      body: new TextEncoder().encode(
        JSON.stringify({ origin: b.name, origin_server_ts: 1, pdus: [] }),
      ),
    });
    expect(response.status).toBe(401);
  });
});
