/**
 * Leaving through another server (make_leave / send_leave v2) over
 * `federation(n)`: a member leaves through the resident, which relays the
 * leave to the room's other servers; retries are idempotent; then the
 * refusals of both endpoints, each leaving the room unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/core/json.js';
import { leaveThrough } from '../../../src/federation/membership/leave-through.js';
import { signMemberFromTemplate } from '../../../src/federation/membership/member-event.js';
import { userIdOf } from '../../../src/node/identity.js';
import { failure, remoteError } from '../expect-failure.js';
import { federation, type Server } from '../join/helpers.js';
import { identityOf, invitePath, membershipOn, pendingInvite } from './helpers.js';

type Trio = [Server, Server, Server];

const makeLeavePath = (roomId: string, userId: string) =>
  `/_matrix/federation/v1/make_leave/${encodeURIComponent(roomId)}/${encodeURIComponent(userId)}`;
const sendLeavePath = (roomId: string, eventId: string) =>
  `/_matrix/federation/v2/send_leave/${encodeURIComponent(roomId)}/${encodeURIComponent(eventId)}`;

/** A public room on A that B and C joined. */
async function roomWithThree() {
  const fed = await federation(3);
  const [a, b, c] = fed.servers as Trio;
  const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Hall' });
  await b.fed.joinRoom(roomId, [a.name]);
  await c.fed.joinRoom(roomId, [a.name]);
  await fed.settle();
  return { ...fed, a, b, c, roomId };
}

/** `server`'s user's leave of `roomId`, signed from `resident`'s make_leave template. */
async function signedLeave(server: Server, resident: Server, roomId: string, now: number) {
  const identity = await identityOf(server);
  const userId = userIdOf(identity);
  const template = await server.fed.client.request(
    resident.name,
    'GET',
    makeLeavePath(roomId, userId),
  );
  return signMemberFromTemplate(
    template,
    { resident: resident.name, roomId, userId, membership: 'leave', content: {} },
    identity,
    now,
  );
}

describe('leaving through make_leave / send_leave', () => {
  it('B leaves through A; A relays the leave to C', async () => {
    const { a, b, c, roomId, now, settle, errors } = await roomWithThree();
    const identity = await identityOf(b);
    const leaveId = await leaveThrough(
      { client: b.fed.client, identity: () => identity, now },
      roomId,
      [a.name],
      'bye',
    );
    await settle();
    for (const s of [a, c]) expect(await membershipOn(s, roomId, b.user)).toBe('leave');
    const onC = await c.store.read(['events'], (txn) => txn.events.get(leaveId as never));
    expect(onC?.pdu.content).toEqual({ membership: 'leave', reason: 'bye' });
    expect(errors).toEqual([]);
  });

  it('the template is a leave of the user on the current heads, and a retry answers {} again', async () => {
    const { a, b, roomId, now } = await roomWithThree();
    const template = await b.fed.client.request(a.name, 'GET', makeLeavePath(roomId, b.user));
    expect(template).toMatchObject({
      room_version: '12',
      event: {
        type: 'm.room.member',
        sender: b.user,
        state_key: b.user,
        content: { membership: 'leave' },
        prev_events: (await a.node.roomState(roomId)).heads,
        origin: a.name,
      },
    });
    const leave = await signedLeave(b, a, roomId, now());
    const path = sendLeavePath(roomId, leave.eventId);
    expect(await b.fed.client.request(a.name, 'PUT', path, leave.pdu as JsonObject)).toEqual({});
    expect(await b.fed.client.request(a.name, 'PUT', path, leave.pdu as JsonObject)).toEqual({});
    expect(await membershipOn(a, roomId, b.user)).toBe('leave');
  });

  it('no server to leave through, or none that accepts: MembershipHandshakeError', async () => {
    const { a, b, c, roomId, now, network } = await roomWithThree();
    const identity = await identityOf(b);
    const ctx = { client: b.fed.client, identity: () => identity, now };
    expect(await failure(leaveThrough(ctx, roomId, [b.name]))).toMatchObject({
      errcode: 'M_INVALID_PARAM',
    });
    network.setOffline(a.name);
    const error = await failure(leaveThrough(ctx, roomId, [a.name, '!nowhere']));
    expect(error).toMatchObject({ name: 'MembershipHandshakeError', errcode: 'M_UNKNOWN' });
    network.setOffline(a.name, false);
    // C has the room too: it accepts the leave when A cannot be reached.
    network.setOffline(a.name);
    await leaveThrough(ctx, roomId, [a.name, c.name]);
    expect(await membershipOn(c, roomId, b.user)).toBe('leave');
  });
});

describe('make_leave refusals', () => {
  const cases: {
    name: string;
    status: number;
    errcode: string;
    words: RegExp;
    ask: (t: { a: Server; b: Server; c: Server; roomId: string }) => Promise<JsonObject>;
  }[] = [
    {
      name: 'a user of another server',
      status: 403,
      errcode: 'M_FORBIDDEN',
      words: /cannot ask to leave/,
      ask: (t) => t.c.fed.client.request(t.a.name, 'GET', makeLeavePath(t.roomId, t.b.user)),
    },
    {
      name: 'an invalid user ID',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /Invalid user ID/,
      ask: (t) => t.c.fed.client.request(t.a.name, 'GET', makeLeavePath(t.roomId, 'carol')),
    },
    {
      name: 'an unknown room',
      status: 404,
      errcode: 'M_NOT_FOUND',
      words: /does not know the room/,
      ask: (t) => t.b.fed.client.request(t.a.name, 'GET', makeLeavePath('!nope:x', t.b.user)),
    },
    {
      name: 'a user who is not in the room',
      status: 403,
      errcode: 'M_FORBIDDEN',
      words: /Not allowed/,
      ask: (t) =>
        t.b.fed.client.request(t.a.name, 'GET', makeLeavePath(t.roomId, `@ghost:${t.b.name}`)),
    },
  ];
  it.each(cases)('for $name: $status $errcode', async ({ status, errcode, words, ask }) => {
    const { a, b, c, roomId } = await roomWithThree();
    const heads = (await a.node.roomState(roomId)).heads;
    const error = await remoteError(ask({ a, b, c, roomId }));
    expect(error).toMatchObject({ httpStatus: status, errcode });
    expect(error.message).toMatch(words);
    expect((await a.node.roomState(roomId)).heads).toEqual(heads);
  });

  it('for a server the room`s ACL denies: 403 on make_leave and send_leave', async () => {
    const { a, b, c, roomId, now, settle } = await roomWithThree();
    const leave = await signedLeave(c, a, roomId, now());
    await a.node.setPowerLevel(roomId, c.user, 50);
    await settle();
    const pending = await pendingInvite(c, roomId, `@new:${b.name}`, now());
    await a.node.setState(roomId, 'm.room.server_acl', '', { allow: ['*'], deny: [c.name] });
    await settle();
    // One at a time: a request started before the previous one is awaited could
    // reject with no handler yet attached.
    const asks = [
      () => c.fed.client.request(a.name, 'GET', makeLeavePath(roomId, c.user)),
      () =>
        c.fed.client.request(
          a.name,
          'PUT',
          sendLeavePath(roomId, leave.eventId),
          leave.pdu as JsonObject,
        ),
    ];
    for (const ask of asks) {
      const error = await remoteError(ask());
      expect(error).toMatchObject({ httpStatus: 403, errcode: 'M_FORBIDDEN' });
      expect(error.message).toMatch(/server ACL/);
    }
    expect(await membershipOn(a, roomId, c.user)).toBe('join');
    // B holds the room too: an invite from the denied server is refused there, before any check.
    const error = await remoteError(
      c.fed.client.request(b.name, 'PUT', invitePath(roomId, pending.eventId), {
        room_version: '12',
        event: pending.pdu as JsonObject,
      }),
    );
    expect(error).toMatchObject({ httpStatus: 403, errcode: 'M_FORBIDDEN' });
    expect(error.message).toMatch(/server ACL/);
    expect(await b.node.invites()).toEqual([]);
  });
});

describe('send_leave refusals', () => {
  type Leave = Awaited<ReturnType<typeof signedLeave>>;
  const cases: {
    name: string;
    status: number;
    errcode: string;
    words: RegExp;
    send: (t: {
      a: Server;
      b: Server;
      c: Server;
      roomId: string;
      leave: Leave;
    }) => Promise<JsonObject>;
  }[] = [
    {
      name: 'a leave sent by another server than its sender`s',
      status: 403,
      errcode: 'M_FORBIDDEN',
      words: /cannot send a leave/,
      send: (t) =>
        t.c.fed.client.request(
          t.a.name,
          'PUT',
          sendLeavePath(t.roomId, t.leave.eventId),
          t.leave.pdu as JsonObject,
        ),
    },
    {
      name: 'under another event ID',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /event's ID is not/,
      send: (t) =>
        t.b.fed.client.request(
          t.a.name,
          'PUT',
          sendLeavePath(t.roomId, '$other'),
          t.leave.pdu as JsonObject,
        ),
    },
    {
      name: 'an event that is not a leave',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /not a leave of its sender/,
      send: (t) =>
        t.b.fed.client.request(t.a.name, 'PUT', sendLeavePath(t.roomId, t.leave.eventId), {
          ...(t.leave.pdu as JsonObject),
          content: { membership: 'join' },
        }),
    },
    {
      name: 'an event that is not a PDU',
      status: 400,
      errcode: 'M_BAD_JSON',
      words: /Not a valid event/,
      send: (t) =>
        t.b.fed.client.request(t.a.name, 'PUT', sendLeavePath(t.roomId, t.leave.eventId), {
          type: 'm.room.member',
        }),
    },
    {
      name: 'a leave whose signature does not verify',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /cannot be accepted/,
      send: (t) =>
        t.b.fed.client.request(t.a.name, 'PUT', sendLeavePath(t.roomId, t.leave.eventId), {
          ...(t.leave.pdu as JsonObject),
          signatures: { [t.b.name]: { 'ed25519:x': 'AAAA' } },
        }),
    },
    {
      name: 'an unknown room',
      status: 404,
      errcode: 'M_NOT_FOUND',
      words: /does not know the room/,
      send: (t) =>
        t.b.fed.client.request(
          t.a.name,
          'PUT',
          sendLeavePath('!nope:x', t.leave.eventId),
          t.leave.pdu as JsonObject,
        ),
    },
  ];
  it.each(cases)('$name: $status $errcode', async ({ status, errcode, words, send }) => {
    const { a, b, c, roomId, now } = await roomWithThree();
    const leave = await signedLeave(b, a, roomId, now());
    const heads = (await a.node.roomState(roomId)).heads;
    const error = await remoteError(send({ a, b, c, roomId, leave }));
    expect(error).toMatchObject({ httpStatus: status, errcode });
    expect(error.message).toMatch(words);
    expect((await a.node.roomState(roomId)).heads).toEqual(heads);
    expect(await membershipOn(a, roomId, b.user)).toBe('join');
  });

  it('after leaving, make_leave refuses another leave: 403', async () => {
    const { a, b, roomId, now } = await roomWithThree();
    const first = await signedLeave(b, a, roomId, now());
    await b.fed.client.request(
      a.name,
      'PUT',
      sendLeavePath(roomId, first.eventId),
      first.pdu as JsonObject,
    );
    const error = await remoteError(
      b.fed.client.request(a.name, 'GET', makeLeavePath(roomId, b.user)),
    );
    expect(error).toMatchObject({ httpStatus: 403, errcode: 'M_FORBIDDEN' });
    expect(error.message).toMatch(/Not allowed/);
  });
});
