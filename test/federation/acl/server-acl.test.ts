import { afterEach, describe, expect, it } from 'vitest';
import type { EventId } from '../../../src/core/ids.js';
import { RemoteMatrixError } from '../../../src/federation/remote-errors.js';
import { type EduServer, eduFederation } from '../edu/helpers.js';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** The error a federation request to `to` ended with (fails the test if it succeeded). */
async function refusal(
  from: EduServer,
  to: EduServer,
  method: string,
  path: string,
  body?: object,
) {
  try {
    await from.client.request(to.name, method, path, body as never);
  } catch (error) {
    expect(error).toBeInstanceOf(RemoteMatrixError);
    return error as RemoteMatrixError;
  }
  throw new Error(`${method} ${path} was not refused`);
}

/** The bodies of the room's messages on `server`, oldest first. */
async function messages(server: EduServer, roomId: string): Promise<string[]> {
  const page = await server.node.timeline(roomId, { limit: 500 });
  return page.items
    .filter((item) => item.type === 'm.room.message')
    .map((item) => String(item.content.body))
    .reverse();
}

async function stored(server: EduServer, eventId: string) {
  return server.store.read(['events'], (txn) => txn.events.get(eventId as EventId));
}

async function lastEventId(server: EduServer, roomId: string): Promise<string> {
  const page = await server.node.timeline(roomId, { limit: 1 });
  return page.items[0]!.eventId;
}

describe('m.room.server_acl enforcement', () => {
  it('a denied server: its PDUs get errors and are not stored, its reads get 403; others are unaffected', async () => {
    const fed = await eduFederation(3);
    close = fed.close;
    const [a, b, c] = fed.servers as [EduServer, EduServer, EduServer];
    const roomId = await fed.sharedRoom();
    await a.node.setState(roomId, 'm.room.server_acl', '', { allow: ['*'], deny: [c.name] });
    await fed.settle();

    const fromC = await c.node.sendMessage(roomId, {
      msgtype: 'm.text',
      body: 'from the denied server',
    });
    await fed.settle();
    expect(await stored(a, fromC)).toBeUndefined();
    expect(await stored(b, fromC)).toBeUndefined();
    const errors = c.outbound.filter((e) => e.type === 'pdu-error');
    expect(errors.map((e) => e.type === 'pdu-error' && [e.destination, e.eventId]).sort()).toEqual(
      [
        [a.name, fromC],
        [b.name, fromC],
      ].sort(),
    );
    for (const e of errors) expect(e.type === 'pdu-error' && e.error).toMatch(/server ACL/);

    const at = await lastEventId(a, roomId);
    const room = encodeURIComponent(roomId);
    const event = encodeURIComponent(at);
    for (const [method, path, body] of [
      ['GET', `/_matrix/federation/v1/event/${event}`],
      ['GET', `/_matrix/federation/v1/state_ids/${room}?event_id=${event}`],
      ['GET', `/_matrix/federation/v1/state/${room}?event_id=${event}`],
      ['GET', `/_matrix/federation/v1/event_auth/${room}/${event}`],
      ['GET', `/_matrix/federation/v1/backfill/${room}?v=${event}&limit=10`],
      [
        'POST',
        `/_matrix/federation/v1/get_missing_events/${room}`,
        { earliest_events: [], latest_events: [at] },
      ],
      ['GET', `/_matrix/federation/v1/make_join/${room}/${encodeURIComponent(c.user)}?ver=12`],
    ] as [string, string, object?][]) {
      const error = await refusal(c, a, method, path, body);
      expect([path, error.httpStatus, error.errcode]).toEqual([path, 403, 'M_FORBIDDEN']);
    }

    // A and B go on as before.
    await b.node.sendMessage(roomId, { msgtype: 'm.text', body: 'from B' });
    await fed.settle();
    await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'from A' });
    await fed.settle();
    expect((await messages(a, roomId)).slice(-2)).toEqual(['from B', 'from A']);
    expect((await messages(b, roomId)).slice(-2)).toEqual(['from B', 'from A']);
    const ids = await b.client.request(
      a.name,
      'GET',
      `/_matrix/federation/v1/state_ids/${room}?event_id=${event}`,
    );
    expect(Array.isArray(ids.pdu_ids)).toBe(true);
    expect(fed.errors).toEqual([]);
  });

  it('an allow-list without B: B cannot join (make_join, send_join 403), C can', async () => {
    const fed = await eduFederation(3);
    close = fed.close;
    const [a, b, c] = fed.servers as [EduServer, EduServer, EduServer];
    const roomId = await a.node.createRoom({ name: 'Listed', preset: 'public_chat' });
    await a.node.setState(roomId, 'm.room.server_acl', '', { allow: [a.name, c.name] });

    await expect(b.joinRoom(roomId, [a.name])).rejects.toMatchObject({ errcode: 'M_FORBIDDEN' });
    const room = encodeURIComponent(roomId);
    const sendJoin = await refusal(b, a, 'PUT', `/_matrix/federation/v2/send_join/${room}/$x`, {});
    expect([sendJoin.httpStatus, sendJoin.errcode]).toEqual([403, 'M_FORBIDDEN']);

    await c.joinRoom(roomId, [a.name]);
    await fed.settle();
    await c.node.sendMessage(roomId, { msgtype: 'm.text', body: 'C is listed' });
    await fed.settle();
    expect(await messages(a, roomId)).toEqual(['C is listed']);
    expect((await b.node.rooms()).some((r) => r.roomId === roomId)).toBe(false);
  });

  it('an unknown room is still 404, not 403', async () => {
    const fed = await eduFederation(2);
    close = fed.close;
    const [a, b] = fed.servers as [EduServer, EduServer];
    const error = await refusal(
      b,
      a,
      'GET',
      '/_matrix/federation/v1/state_ids/!nope:x?event_id=$y',
    );
    expect([error.httpStatus, error.errcode]).toEqual([404, 'M_NOT_FOUND']);
  });
});
