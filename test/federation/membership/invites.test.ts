/**
 * Invites across servers, end to end over `federation(n)`: real nodes, real
 * signatures. Alice (A) invites Bob (B): the v2 invite carries the stripped
 * state, B countersigns and lists the room as an invite; Bob joins through A
 * (the joined room replaces the invite) or rejects it (make_leave /
 * send_leave through A). Then the refusals, each leaving B unchanged.
 */
import { describe, expect, it } from 'vitest';
import { isJsonObject, type JsonObject } from '../../../src/core/json.js';
import { FederationClient } from '../../../src/federation/client.js';
import type { PendingInvite } from '../../../src/node/membership/invite-event.js';
import { failure, remoteError } from '../expect-failure.js';
import { federation, messages, type Server } from '../join/helpers.js';
import { identityOf, invitePath, membershipOn, pendingInvite, sendRawInvite } from './helpers.js';

type Pair = [Server, Server];

describe('inviting a user on another server', () => {
  it('B lists the invite with the room name and inviter, joins through A, and they chat', async () => {
    const { servers, settle, errors } = await federation(2);
    const [a, b] = servers as Pair;
    const roomId = await a.node.createRoom({ name: 'Secret', topic: 'Plans' });

    const inviteId = await a.fed.invite(roomId, b.user, 'come in');

    expect(await membershipOn(a, roomId, b.user)).toBe('invite');
    const rooms = await b.node.rooms();
    expect(rooms).toEqual([
      expect.objectContaining({
        roomId,
        membership: 'invite',
        name: 'Secret',
        topic: 'Plans',
        roomVersion: '12',
        lastEvent: expect.objectContaining({
          eventId: inviteId,
          sender: a.user,
          senderName: 'Alice',
          stateKey: b.user,
          content: { membership: 'invite', reason: 'come in' },
        }),
      }),
    ]);
    const [held] = await b.node.invites();
    expect(held?.inviter).toBe(a.user);
    expect(Object.keys(held?.event.signatures ?? {}).sort()).toEqual([a.name, b.name].sort());
    expect(held?.strippedState.map((e) => e.type)).toEqual([
      'm.room.create',
      'm.room.join_rules',
      'm.room.name',
      'm.room.topic',
      'm.room.member',
    ]);
    // A stored the countersigned event: both signatures are on it.
    const stored = await a.store.read(['events'], (txn) => txn.events.get(inviteId as never));
    expect(Object.keys(stored?.pdu.signatures ?? {}).sort()).toEqual([a.name, b.name].sort());

    await settle();
    expect(await b.fed.joinRoom(roomId, [a.name])).toBe(roomId);
    expect(await b.node.invites()).toEqual([]);
    expect(await b.node.rooms()).toEqual([
      expect.objectContaining({ roomId, membership: 'join', name: 'Secret' }),
    ]);
    for (const s of servers) {
      expect(await membershipOn(s, roomId, a.user)).toBe('join');
      expect(await membershipOn(s, roomId, b.user)).toBe('join');
    }
    await b.node.sendMessage(roomId, { msgtype: 'm.text', body: 'thanks' });
    await settle();
    await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'welcome' });
    await settle();
    for (const s of servers) expect(await messages(s, roomId)).toEqual(['thanks', 'welcome']);
    expect(errors).toEqual([]);
  });

  it('the invite reaches the room`s other servers through the relay', async () => {
    const { servers, settle } = await federation(3);
    const [a, b, c] = servers as [Server, Server, Server];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Hall' });
    await c.fed.joinRoom(roomId, [a.name]);
    await a.node.setPowerLevel(roomId, c.user, 50);
    await settle();

    await a.fed.invite(roomId, b.user);
    await settle();

    expect(await membershipOn(c, roomId, b.user)).toBe('invite');
    // C may invite too: Carol's invite of Bob replaces Alice's on B.
    await c.fed.invite(roomId, b.user);
    await settle();
    expect((await b.node.invites()).map((i) => i.inviter)).toEqual([c.user]);
    expect(await b.fed.joinRoom(roomId, [c.name])).toBe(roomId);
    await settle();
    for (const s of servers) expect(await membershipOn(s, roomId, b.user)).toBe('join');
  });

  it('a local user is invited without federation', async () => {
    const { servers, network } = await federation(2);
    const [a] = servers as Pair;
    const roomId = await a.node.createRoom({ name: 'Mine' });
    const local = `@other:${a.name}`;
    await a.fed.invite(roomId, local);
    expect(await membershipOn(a, roomId, local)).toBe('invite');
    expect(network.deliveries.filter((d) => d.path.includes('/invite/'))).toEqual([]);
  });

  it('Bob rejects the invite: A sees him leave, B lists nothing', async () => {
    const { servers, settle, errors } = await federation(2);
    const [a, b] = servers as Pair;
    const roomId = await a.node.createRoom({ name: 'Secret' });
    await a.fed.invite(roomId, b.user);
    await settle();

    const leaveId = await b.fed.rejectInvite(roomId, 'not now');

    expect(await membershipOn(a, roomId, b.user)).toBe('leave');
    const stored = await a.store.read(['events'], (txn) => txn.events.get(leaveId as never));
    expect(stored).toMatchObject({
      status: 'accepted',
      pdu: { sender: b.user, content: { membership: 'leave', reason: 'not now' } },
    });
    expect(await b.node.rooms()).toEqual([]);
    expect(await b.node.invites()).toEqual([]);
    // Nothing left to reject.
    expect(await failure(b.fed.rejectInvite(roomId))).toMatchObject({ errcode: 'M_NOT_FOUND' });
    expect(errors).toEqual([]);
  });

  it('leaving a room we are only invited to rejects the invite; C hears the leave', async () => {
    const { servers, settle } = await federation(3);
    const [a, b, c] = servers as [Server, Server, Server];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Hall' });
    await c.fed.joinRoom(roomId, [a.name]);
    await a.fed.invite(roomId, b.user);
    await settle();

    await b.fed.leave(roomId);
    await settle();

    for (const s of [a, c]) expect(await membershipOn(s, roomId, b.user)).toBe('leave');
    expect(await b.node.rooms()).toEqual([]);
  });

  it('v10: with the inviting server offline, the rejection goes through the room ID`s server', async () => {
    const { servers, settle, network } = await federation(3);
    const [a, b, c] = servers as [Server, Server, Server];
    const roomId = await a.node.createRoom({ preset: 'public_chat', roomVersion: '10' });
    await c.fed.joinRoom(roomId, [a.name]);
    await a.node.setPowerLevel(roomId, c.user, 50);
    await settle();
    await c.fed.invite(roomId, b.user);
    await settle();
    network.setOffline(c.name);

    await b.fed.rejectInvite(roomId);

    expect(await membershipOn(a, roomId, b.user)).toBe('leave');
    expect(await b.node.rooms()).toEqual([]);
  });

  it('no server accepts the rejection: the invite is kept', async () => {
    const { servers, settle, network } = await federation(2);
    const [a, b] = servers as Pair;
    const roomId = await a.node.createRoom({ name: 'Secret' });
    await a.fed.invite(roomId, b.user);
    await settle();
    network.setOffline(a.name);
    const error = await failure(b.fed.rejectInvite(roomId));
    expect(error).toMatchObject({ name: 'MembershipHandshakeError', errcode: 'M_UNKNOWN' });
    expect(await b.node.rooms()).toEqual([
      expect.objectContaining({ roomId, membership: 'invite' }),
    ]);
  });

  it('an unreachable invitee server: the invite fails and nothing is stored', async () => {
    const { servers, network } = await federation(2);
    const [a, b] = servers as Pair;
    const roomId = await a.node.createRoom({ name: 'Secret' });
    const before = (await a.node.roomState(roomId)).heads;
    network.setOffline(b.name);
    const error = await failure(a.fed.invite(roomId, b.user));
    expect(error).toMatchObject({ name: 'MembershipHandshakeError', errcode: 'M_UNKNOWN' });
    expect((await a.node.roomState(roomId)).heads).toEqual(before);
    expect(await membershipOn(a, roomId, b.user)).toBeUndefined();
  });

  it('the inviter`s own refusals happen before anything is sent', async () => {
    const { servers, network } = await federation(2);
    const [a, b] = servers as Pair;
    const roomId = await a.node.createRoom({ name: 'Secret' });
    await a.fed.invite(roomId, b.user);
    expect(await failure(a.fed.invite('!nope:elsewhere', b.user))).toMatchObject({
      errcode: 'M_NOT_FOUND',
    });
    expect(await failure(a.fed.invite(roomId, 'bob'))).toMatchObject({
      errcode: 'M_INVALID_PARAM',
    });
    // B cannot invite into a room it does not hold.
    expect(await failure(b.fed.invite(roomId, a.user))).toMatchObject({ errcode: 'M_NOT_FOUND' });
    expect(network.deliveries.filter((d) => d.path.includes('/invite/'))).toHaveLength(1);
  });
});

describe('a countersigned invite that is not right is not stored by the inviter', () => {
  const tamperings: {
    name: string;
    errcode: string;
    words: RegExp;
    tamper: (event: JsonObject, a: string, b: string) => JsonObject;
  }[] = [
    {
      name: 'the invitee server`s signature does not verify',
      errcode: 'M_FORBIDDEN',
      words: /signature on the invite does not verify/,
      tamper: (event, a, b) => {
        const sigs = event.signatures as Record<string, Record<string, string>>;
        const forged = Object.values(sigs[a]!)[0]!;
        const keyId = Object.keys(sigs[b]!)[0]!;
        return { ...event, signatures: { ...sigs, [b]: { [keyId]: forged } } };
      },
    },
    {
      name: 'no signature of the invitee server',
      errcode: 'M_BAD_JSON',
      words: /no signature of/,
      tamper: (event, a) => {
        const sigs = event.signatures as Record<string, JsonObject>;
        return { ...event, signatures: { [a]: sigs[a]! } };
      },
    },
    {
      name: 'our signature removed',
      errcode: 'M_BAD_JSON',
      words: /our signature broken/,
      tamper: (event, _a, b) => {
        const sigs = event.signatures as Record<string, JsonObject>;
        return { ...event, signatures: { [b]: sigs[b]! } };
      },
    },
    {
      name: 'another event (content changed)',
      errcode: 'M_BAD_JSON',
      words: /another event/,
      tamper: (event) => ({ ...event, content: { membership: 'invite', reason: 'changed' } }),
    },
    {
      name: 'no event',
      errcode: 'M_BAD_JSON',
      words: /no event/,
      tamper: () => 'gone' as unknown as JsonObject,
    },
  ];
  it.each(tamperings)('$name: $errcode', async ({ errcode, words, tamper }) => {
    const { servers, network } = await federation(2);
    const [a, b] = servers as Pair;
    // B answers invites with a tampered event.
    network.addNode(b.name, async (request, meta) => {
      const response = await b.fed.handle(request, meta);
      if (!request.path.startsWith('/_matrix/federation/v2/invite/') || response.status !== 200) {
        return response;
      }
      const answer = JSON.parse(new TextDecoder().decode(response.body)) as JsonObject;
      const changed = { event: tamper(answer.event as JsonObject, a.name, b.name) };
      return { ...response, body: new TextEncoder().encode(JSON.stringify(changed)) };
    });
    const roomId = await a.node.createRoom({ name: 'Secret' });
    const heads = (await a.node.roomState(roomId)).heads;
    const error = await failure(a.fed.invite(roomId, b.user));
    expect(error).toMatchObject({ name: 'MembershipHandshakeError', errcode });
    expect(error.message).toMatch(words);
    expect((await a.node.roomState(roomId)).heads).toEqual(heads);
    expect(await membershipOn(a, roomId, b.user)).toBeUndefined();
  });
});

describe('refused invites change nothing on the invitee', () => {
  type Request = { from: Server; roomId: string; eventId: string; body: JsonObject };
  type Case = {
    name: string;
    /** The room's version (default 12, whose invite_room_state is checked strictly). */
    version?: '11' | '12';
    status: number;
    errcode: string;
    /** What the refusal must say (so it failed for the named reason). */
    words: RegExp;
    /** Changes a valid invite request from A into the refused one. */
    make: (
      valid: Request & { pending: PendingInvite },
      t: { a: Server; b: Server; c: Server; now: number },
    ) => Request | Promise<Request>;
  };
  const withEvent = (valid: Request, event: JsonObject): Request => ({
    ...valid,
    body: { ...valid.body, event },
  });
  const withState = (valid: Request, state: unknown): Request => ({
    ...valid,
    body: { ...valid.body, invite_room_state: state as JsonObject[] },
  });
  const stateOf = (valid: Request) => valid.body.invite_room_state as JsonObject[];
  const cases: Case[] = [
    {
      name: 'sent by a server other than the sender`s',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /cannot send an invite from/,
      make: (valid, t) => ({ ...valid, from: t.c }),
    },
    {
      name: 'for a user who is not on the invitee server',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /is not a user of/,
      make: async (valid, t) => {
        const other = await pendingInvite(t.a, valid.roomId, t.c.user, t.now);
        return { ...withEvent(valid, other.pdu as JsonObject), eventId: other.eventId };
      },
    },
    {
      name: 'with a signature that does not verify',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /does not verify/,
      make: async (valid, t) => {
        const other = await pendingInvite(t.a, valid.roomId, `@x:${t.b.name}`, t.now);
        const event = { ...valid.pending.pdu, signatures: other.pdu.signatures } as JsonObject;
        return withEvent(valid, event);
      },
    },
    {
      name: 'with no signature at all',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /does not verify/,
      make: (valid) => withEvent(valid, { ...valid.pending.pdu, signatures: {} } as JsonObject),
    },
    {
      name: 'that is not an invite',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /not an m.room.member invite/,
      make: (valid) =>
        withEvent(valid, { ...valid.pending.pdu, content: { membership: 'join' } } as JsonObject),
    },
    {
      name: 'under another event ID than the event`s',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /event's ID is not/,
      make: (valid) => ({ ...valid, eventId: '$notit' }),
    },
    {
      name: 'for another room than the path`s',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /not in !other:x/,
      make: (valid) => ({ ...valid, roomId: '!other:x' }),
    },
    {
      name: 'in a room version we do not support',
      status: 400,
      errcode: 'M_INCOMPATIBLE_ROOM_VERSION',
      words: /does not support room version 9/,
      make: (valid) => ({ ...valid, body: { ...valid.body, room_version: '9' } }),
    },
    {
      name: 'with no event',
      status: 400,
      errcode: 'M_BAD_JSON',
      words: /event must be an object/,
      make: (valid) => ({ ...valid, body: { room_version: '12' } }),
    },
    {
      name: 'with an event that is not a PDU',
      status: 400,
      errcode: 'M_BAD_JSON',
      words: /Not a valid event/,
      make: (valid) => {
        const { depth: _gone, ...event } = valid.pending.pdu;
        return withEvent(valid, event as JsonObject);
      },
    },
    {
      name: 'without invite_room_state (v12)',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /invite_room_state must be a list/,
      make: (valid) => withState(valid, undefined),
    },
    {
      name: 'whose invite_room_state lacks the create event (v12)',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /no m.room.create event/,
      make: (valid) => withState(valid, stateOf(valid).slice(1)),
    },
    {
      name: 'whose invite_room_state holds stripped events (v12)',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /\[0\] is not an event of room version 12/,
      make: (valid) =>
        withState(
          valid,
          stateOf(valid).map(({ type, state_key, sender, content }) => ({
            type,
            state_key,
            sender,
            content,
          })),
        ),
    },
    {
      name: 'whose invite_room_state is another room`s (v12)',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /\[0\] is not an event of/,
      make: async (valid, t) => {
        const other = await t.a.node.createRoom({ name: 'Other' });
        const elsewhere = await pendingInvite(t.a, other, t.b.user, t.now);
        return withState(valid, elsewhere.roomState);
      },
    },
    {
      name: 'whose invite_room_state has a forged event (v12)',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /\[2\] does not verify/,
      make: (valid) => {
        const state = stateOf(valid).map((e) => ({ ...e }));
        state[2] = { ...state[2]!, signatures: state[0]!.signatures! };
        return withState(valid, state);
      },
    },
    {
      name: 'from a server the stripped server ACL denies (v11)',
      version: '11',
      status: 403,
      errcode: 'M_FORBIDDEN',
      words: /server ACL/,
      make: (valid, t) => {
        const acl = {
          type: 'm.room.server_acl',
          state_key: '',
          sender: t.a.user,
          content: { allow: [t.c.name], deny: [] },
        };
        return withState(valid, [...stateOf(valid), acl]);
      },
    },
    {
      name: 'whose invite_room_state is not a list (v11)',
      version: '11',
      status: 400,
      errcode: 'M_BAD_JSON',
      words: /must be a list/,
      make: (valid) => withState(valid, { type: 'm.room.name' }),
    },
  ];

  it.each(cases)('an invite $name is refused ($status $errcode)', async (refusal) => {
    const { status, errcode, words, make, version = '12' } = refusal;
    const { servers, now } = await federation(3);
    const [a, b, c] = servers as [Server, Server, Server];
    const roomId = await a.node.createRoom({ name: 'Secret', roomVersion: version });
    const pending = await pendingInvite(a, roomId, b.user, now());
    const valid = {
      from: a,
      roomId,
      eventId: pending.eventId,
      pending,
      body: {
        room_version: version,
        event: pending.pdu as JsonObject,
        invite_room_state: pending.roomState as JsonObject[],
      },
    };
    const request = await make(valid, { a, b, c, now: now() });
    const error = await remoteError(
      sendRawInvite(request.from, b, request.roomId, request.eventId, request.body),
    );
    expect(error).toMatchObject({ httpStatus: status, errcode });
    expect(error.message).toMatch(words);
    expect(await b.node.invites()).toEqual([]);
    expect(await b.node.rooms()).toEqual([]);
    // The unchanged request is accepted: the case failed for its own reason.
    await sendRawInvite(a, b, roomId, pending.eventId, valid.body);
    expect((await b.node.invites()).map((i) => i.eventId)).toEqual([pending.eventId]);
  });

  it('v11: stripped invite_room_state from an older server is accepted and shown', async () => {
    const { servers, now } = await federation(2);
    const [a, b] = servers as Pair;
    const roomId = await a.node.createRoom({ name: 'Old', roomVersion: '11' });
    const pending = await pendingInvite(a, roomId, b.user, now());
    const stripped = pending.roomState.map(({ type, state_key, sender, content }) => ({
      type,
      state_key,
      sender,
      content,
    }));
    await sendRawInvite(a, b, roomId, pending.eventId, {
      room_version: '11',
      event: pending.pdu as JsonObject,
      invite_room_state: [...stripped, 'not an event'] as JsonObject[],
    });
    expect(await b.node.rooms()).toEqual([
      expect.objectContaining({ roomId, membership: 'invite', name: 'Old', roomVersion: '11' }),
    ]);
    expect((await b.node.invites())[0]?.strippedState).toEqual(stripped);
  });

  it('M_INCOMPATIBLE_ROOM_VERSION names the room version in the answer body', async () => {
    const { servers, now, network } = await federation(2);
    const [a, b] = servers as Pair;
    const roomId = await a.node.createRoom({ name: 'Secret' });
    const pending = await pendingInvite(a, roomId, b.user, now());
    const bodies: string[] = [];
    const inner = network.transportFor(a.name);
    const client = new FederationClient({
      identity: () => identity,
      transport: {
        request: async (destination, request) => {
          const response = await inner.request(destination, request);
          bodies.push(new TextDecoder().decode(response.body));
          return response;
        },
      },
    });
    const identity = await identityOf(a);
    const error = await remoteError(
      client.request(b.name, 'PUT', invitePath(roomId, pending.eventId), {
        room_version: '9',
        event: pending.pdu as JsonObject,
      }),
    );
    expect(error).toMatchObject({ httpStatus: 400, errcode: 'M_INCOMPATIBLE_ROOM_VERSION' });
    expect(JSON.parse(bodies.at(-1)!)).toMatchObject({
      errcode: 'M_INCOMPATIBLE_ROOM_VERSION',
      room_version: '9',
    });
  });

  it('a stale invite of a user who has joined since is refused: 403', async () => {
    const { servers, now, settle } = await federation(2);
    const [a, b] = servers as Pair;
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Hall' });
    const stale = await pendingInvite(a, roomId, b.user, now());
    await b.fed.joinRoom(roomId, [a.name]);
    await settle();
    const error = await remoteError(
      sendRawInvite(a, b, roomId, stale.eventId, {
        room_version: '12',
        event: stale.pdu as JsonObject,
        invite_room_state: stale.roomState as JsonObject[],
      }),
    );
    expect(error).toMatchObject({ httpStatus: 403, errcode: 'M_FORBIDDEN' });
    expect(error.message).toMatch(/already joined/);
    expect(await b.node.invites()).toEqual([]);
    expect(await b.node.rooms()).toEqual([expect.objectContaining({ roomId, membership: 'join' })]);
  });

  it('a valid raw invite is answered with the same event countersigned', async () => {
    const { servers, now } = await federation(2);
    const [a, b] = servers as Pair;
    const roomId = await a.node.createRoom({ name: 'Secret' });
    const pending = await pendingInvite(a, roomId, b.user, now());
    const answer = await sendRawInvite(a, b, roomId, pending.eventId, {
      room_version: '12',
      event: pending.pdu as JsonObject,
      invite_room_state: pending.roomState as JsonObject[],
    });
    const event = answer.event;
    expect(isJsonObject(event)).toBe(true);
    const { signatures, ...rest } = event as JsonObject;
    const { signatures: ours, ...sent } = pending.pdu;
    expect(rest).toEqual(sent);
    expect(signatures).toMatchObject(ours as JsonObject);
    expect(Object.keys(signatures as JsonObject).sort()).toEqual([a.name, b.name].sort());
    expect(await b.node.rooms()).toEqual([
      expect.objectContaining({ roomId, membership: 'invite', name: 'Secret' }),
    ]);
  });
});
