import { describe, expect, it } from 'vitest';
import type { EventId, RoomId } from '../../../src/core/ids.js';
import { stateKeyOf } from '../../../src/core/pdu.js';
import {
  ask,
  type Peer,
  publicRoomWith,
  remoteError,
  roomEvents,
  roomNetwork,
  send,
} from './helpers.js';

const V1 = '/_matrix/federation/v1';
const enc = encodeURIComponent;

/** A's public room with B joined, a message each; C is in no room. */
async function setup() {
  const net = await roomNetwork(3);
  const [a, b, c] = net.peers as [Peer, Peer, Peer];
  const { roomId, builder, join } = await publicRoomWith(a, b, net.now);
  const fromA = (await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'hi B' })) as EventId;
  await builder.syncHeads();
  const fromB = await builder.message('hi A');
  await send(b, a, 'txn-1', [fromB.pdu]);
  return { ...net, a, b, c, roomId, builder, join, fromA, fromB: fromB.eventId };
}

async function stateOf(peer: Peer, eventId: EventId) {
  return peer.store.read(['events', 'stateGroups'], async (txn) => {
    const group = await txn.events.stateGroupAfter(eventId);
    return txn.stateGroups.resolve(group!);
  });
}

async function expectStatus(promise: Promise<unknown>, status: number, errcode: string) {
  const error = await remoteError(promise);
  expect([error.httpStatus, error.errcode]).toEqual([status, errcode]);
}

describe('room read endpoints', () => {
  it('GET /event serves a room event to a member server, 403 to others, 404 for unknown', async () => {
    const { a, b, c, fromA, now } = await setup();
    const stored = await a.store.read(['events'], (txn) => txn.events.get(fromA));
    const answer = await ask(b, a, `${V1}/event/${enc(fromA)}`);
    expect(answer).toEqual({ origin: a.name, origin_server_ts: now(), pdus: [stored!.pdu] });
    await expectStatus(ask(c, a, `${V1}/event/${enc(fromA)}`), 403, 'M_FORBIDDEN');
    await expectStatus(ask(b, a, `${V1}/event/${enc('$nope')}`), 404, 'M_NOT_FOUND');
  });

  it('GET /state_ids and /state give the state before the event, with its auth chain', async () => {
    const { a, b, c, roomId, join } = await setup();
    // At B's join: the state before it has no member event for B.
    const before = await stateOf(a, join.pdu.prev_events[0] as EventId);
    const path = `/state_ids/${enc(roomId)}?event_id=${enc(join.eventId)}`;
    const ids = await ask(b, a, `${V1}${path}`);
    expect(new Set(ids.pdu_ids as string[])).toEqual(new Set(before.values()));
    expect(ids.pdu_ids).not.toContain(join.eventId);
    const createId = before.get(stateKeyOf('m.room.create', ''))!;
    // v12: the create event is in the state; auth chains never repeat the state's own events
    // unless another state event cites them (power levels cite the create event).
    expect(ids.auth_chain_ids).toContain(createId);
    const full = await ask(b, a, `${V1}/state/${enc(roomId)}?event_id=${enc(join.eventId)}`);
    expect((full.pdus as unknown[]).length).toBe(before.size);
    expect((full.auth_chain as unknown[]).length).toBe((ids.auth_chain_ids as unknown[]).length);
    await expectStatus(ask(c, a, `${V1}${path}`), 403, 'M_FORBIDDEN');
    await expectStatus(ask(b, a, `${V1}/state_ids/${enc(roomId)}`), 400, 'M_MISSING_PARAM');
    await expectStatus(
      ask(b, a, `${V1}/state_ids/${enc('!nope:x')}?event_id=${enc(join.eventId)}`),
      404,
      'M_NOT_FOUND',
    );
  });

  it('GET /event_auth gives the auth chain of an event', async () => {
    const { a, b, c, roomId, fromB, join } = await setup();
    const answer = await ask(b, a, `${V1}/event_auth/${enc(roomId)}/${enc(fromB)}`);
    const chain = (answer.auth_chain as { type: string; state_key?: string }[]).map(
      (e) => `${e.type}|${e.state_key ?? ''}`,
    );
    expect(chain).toContain('m.room.create|');
    expect(chain).toContain('m.room.power_levels|');
    expect(chain).toContain(`m.room.member|${b.user}`);
    const stored = await a.store.read(['events'], (txn) => txn.events.get(join.eventId));
    expect(answer.auth_chain).toContainEqual(stored!.pdu);
    await expectStatus(
      ask(c, a, `${V1}/event_auth/${enc(roomId)}/${enc(fromB)}`),
      403,
      'M_FORBIDDEN',
    );
  });

  it('GET /backfill walks prev_events from v, including v, up to limit', async () => {
    const { a, b, c, roomId, fromA, fromB } = await setup();
    const answer = await ask(b, a, `${V1}/backfill/${enc(roomId)}?v=${enc(fromB)}&limit=3`);
    const ids = await idsOf(a, roomId, answer.pdus as object[]);
    expect(ids.slice(0, 2)).toEqual([fromB, fromA]);
    expect(ids).toHaveLength(3);
    const all = await ask(b, a, `${V1}/backfill/${enc(roomId)}?v=${enc(fromB)}&limit=1000`);
    expect((all.pdus as unknown[]).length).toBe((await roomEvents(a.store, roomId)).length);
    await expectStatus(
      ask(c, a, `${V1}/backfill/${enc(roomId)}?v=${enc(fromB)}&limit=3`),
      403,
      'M_FORBIDDEN',
    );
    await expectStatus(ask(b, a, `${V1}/backfill/${enc(roomId)}?limit=3`), 400, 'M_MISSING_PARAM');
  });

  it('POST /get_missing_events walks from latest, stops at earliest, oldest first', async () => {
    const { a, b, c, roomId, builder, fromB } = await setup();
    const m3 = await builder.message('m3');
    const m4 = await builder.message('m4');
    await send(b, a, 'txn-2', [m3.pdu, m4.pdu]);
    const body = { earliest_events: [fromB], latest_events: [m4.eventId], limit: 10 };
    const answer = await ask(b, a, `${V1}/get_missing_events/${enc(roomId)}`, body);
    expect(await idsOf(a, roomId, answer.events as object[])).toEqual([m3.eventId]);
    const deeper = await ask(b, a, `${V1}/get_missing_events/${enc(roomId)}`, {
      earliest_events: [],
      latest_events: [m4.eventId],
      limit: 2,
    });
    expect(await idsOf(a, roomId, deeper.events as object[])).toEqual([fromB, m3.eventId]);
    await expectStatus(
      ask(c, a, `${V1}/get_missing_events/${enc(roomId)}`, body),
      403,
      'M_FORBIDDEN',
    );
    await expectStatus(
      ask(b, a, `${V1}/get_missing_events/${enc(roomId)}`, { latest_events: 'x' }),
      400,
      'M_BAD_JSON',
    );
  });

  it('never serves rejected events', async () => {
    const { a, b, roomId, builder, join } = await setup();
    // B (power 0) may not change the power levels: rejected.
    const grab = await builder.event({
      type: 'm.room.power_levels',
      stateKey: '',
      content: { users: { [b.user]: 100 } },
    });
    expect(await send(b, a, 'txn-grab', [grab.pdu])).toEqual({ pdus: { [grab.eventId]: {} } });
    const record = await a.store.read(['events'], (txn) => txn.events.get(grab.eventId));
    expect(record!.status).toBe('rejected');
    await expectStatus(ask(b, a, `${V1}/event/${enc(grab.eventId)}`), 404, 'M_NOT_FOUND');
    // An event citing the rejected one as its prev, with sound auth events: accepted.
    const state = await stateOf(a, join.eventId);
    const after = await builder.event({
      type: 'm.room.message',
      content: { msgtype: 'm.text', body: 'after the rejected one' },
      prev: [grab.eventId],
      auth: [
        state.get(stateKeyOf('m.room.power_levels', ''))!,
        state.get(stateKeyOf('m.room.member', b.user))!,
      ],
    });
    expect(await send(b, a, 'txn-after', [after.pdu])).toEqual({ pdus: { [after.eventId]: {} } });
    const walk = await ask(b, a, `${V1}/backfill/${enc(roomId)}?v=${enc(after.eventId)}&limit=50`);
    const ids = await idsOf(a, roomId, walk.pdus as object[]);
    expect(ids).toContain(after.eventId);
    expect(ids).not.toContain(grab.eventId);
  });

  it("applies history visibility: 'joined' hides events from before the server joined", async () => {
    const net = await roomNetwork(3);
    const [a, b, c] = net.peers as [Peer, Peer, Peer];
    const roomId = await a.node.createRoom({ preset: 'public_chat' });
    await a.node.setHistoryVisibility(roomId, 'joined');
    const early = (await a.node.sendMessage(roomId, {
      msgtype: 'm.text',
      body: 'secret',
    })) as EventId;
    const { builder } = await publicRoomWithExisting(a, b, roomId, net.now);
    await expectStatus(ask(b, a, `${V1}/event/${enc(early)}`), 403, 'M_FORBIDDEN');
    const late = (await a.node.sendMessage(roomId, {
      msgtype: 'm.text',
      body: 'hello',
    })) as EventId;
    expect(((await ask(b, a, `${V1}/event/${enc(late)}`)).pdus as unknown[]).length).toBe(1);
    // A walk through the hidden event serves it redacted.
    const walk = await ask(b, a, `${V1}/backfill/${enc(roomId)}?v=${enc(late)}&limit=50`);
    const pdus = walk.pdus as { content: Record<string, unknown> }[];
    const ids = await idsOf(a, roomId, pdus);
    expect(pdus[ids.indexOf(early)]!.content).toEqual({});
    expect(pdus[ids.indexOf(late)]!.content).toMatchObject({ body: 'hello' });
    void builder;
    // world_readable: any server may read events sent while it holds.
    await a.node.setHistoryVisibility(roomId, 'world_readable');
    const open = (await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'all' })) as EventId;
    expect(((await ask(c, a, `${V1}/event/${enc(open)}`)).pdus as unknown[]).length).toBe(1);
    await expectStatus(ask(c, a, `${V1}/event/${enc(late)}`), 403, 'M_FORBIDDEN');
  });
});

/** B's join into an existing room of A, by hand through /send. */
async function publicRoomWithExisting(a: Peer, b: Peer, roomId: string, now: () => number) {
  const { HandBuilder } = await import('./helpers.js');
  const builder = await HandBuilder.start(a, roomId, b, now);
  const join = await builder.join();
  expect(await send(b, a, 'join-x', [join.pdu])).toEqual({ pdus: { [join.eventId]: {} } });
  return { builder, join };
}

/** The event IDs of served PDUs, by matching them to A's stored records. */
async function idsOf(a: Peer, roomId: string, pdus: object[]): Promise<string[]> {
  const records = await a.store.read(['events'], (txn) =>
    txn.events.byDepth(roomId as RoomId, 0, Number.MAX_SAFE_INTEGER),
  );
  const bySig = new Map(records.map((r) => [JSON.stringify(r.pdu.signatures), r.eventId]));
  return pdus.map((p) => bySig.get(JSON.stringify((p as { signatures: unknown }).signatures))!);
}
