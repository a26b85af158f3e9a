/**
 * Knocking across servers over `federation(n)`: Bob (B) knocks on A's room
 * whose join rule is `knock` through make_knock / send_knock; the knock
 * reaches the room's other servers; Alice lets him in with an invite and he
 * joins. Then the refusals, each leaving the room unchanged.
 */
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/core/json.js';
import { leaveThrough } from '../../../src/federation/membership/leave-through.js';
import { signMemberFromTemplate } from '../../../src/federation/membership/member-event.js';
import { userIdOf } from '../../../src/node/identity.js';
import { failure, remoteError } from '../expect-failure.js';
import { federation, type Server } from '../join/helpers.js';
import { identityOf, membershipOn } from './helpers.js';

type Trio = [Server, Server, Server];

const makeKnockPath = (roomId: string, userId: string, query = 'ver=10&ver=11&ver=12') =>
  `/_matrix/federation/v1/make_knock/${encodeURIComponent(roomId)}/${encodeURIComponent(userId)}${query === '' ? '' : `?${query}`}`;
const sendKnockPath = (roomId: string, eventId: string) =>
  `/_matrix/federation/v1/send_knock/${encodeURIComponent(roomId)}/${encodeURIComponent(eventId)}`;

/** A room on A with join rule knock that C joined while it was public. */
async function knockRoom(version: '10' | '11' | '12' = '12') {
  const fed = await federation(3);
  const [a, b, c] = fed.servers as Trio;
  const roomId = await a.node.createRoom({
    preset: 'public_chat',
    name: 'Club',
    topic: 'Knock first',
    roomVersion: version,
  });
  await c.fed.joinRoom(roomId, [a.name]);
  await a.node.setJoinRule(roomId, 'knock');
  await fed.settle();
  return { ...fed, a, b, c, roomId };
}

describe('knocking on a room of another server', () => {
  it.each(['10', '11', '12'] as const)(
    'v%s: B knocks, C hears it, Alice invites Bob and he joins',
    async (version) => {
      const { a, b, c, roomId, settle, errors } = await knockRoom(version);

      const knock = await b.fed.knock(roomId, [a.name], 'let me in');

      expect(knock.resident).toBe(a.name);
      expect(knock.roomState).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ type: 'm.room.name', content: { name: 'Club' } }),
          expect.objectContaining({ type: 'm.room.join_rules', content: { join_rule: 'knock' } }),
        ]),
      );
      await settle();
      for (const s of [a, c]) expect(await membershipOn(s, roomId, b.user)).toBe('knock');
      const stored = await c.store.read(['events'], (txn) =>
        txn.events.get(knock.eventId as never),
      );
      expect(stored?.pdu.content).toEqual({
        membership: 'knock',
        reason: 'let me in',
        displayname: 'Bob',
      });

      await a.fed.invite(roomId, b.user);
      expect(await b.node.rooms()).toEqual([
        expect.objectContaining({ roomId, membership: 'invite', name: 'Club' }),
      ]);
      await settle();
      await b.fed.joinRoom(roomId, [a.name]);
      await settle();
      for (const s of [a, b, c]) expect(await membershipOn(s, roomId, b.user)).toBe('join');
      expect(errors).toEqual([]);
    },
  );

  it('a knock is withdrawn by leaving through make_leave / send_leave', async () => {
    const { a, b, c, roomId, now, settle } = await knockRoom();
    await b.fed.knock(roomId, [a.name]);
    const identity = await identityOf(b);
    await leaveThrough({ client: b.fed.client, identity: () => identity, now }, roomId, [a.name]);
    await settle();
    for (const s of [a, c]) expect(await membershipOn(s, roomId, b.user)).toBe('leave');
  });

  it('a room that does not take knocks: MembershipHandshakeError M_FORBIDDEN', async () => {
    const { a, b, roomId } = await knockRoom();
    await a.node.setJoinRule(roomId, 'invite');
    const error = await failure(b.fed.knock(roomId, [a.name]));
    expect(error).toMatchObject({ name: 'MembershipHandshakeError', errcode: 'M_FORBIDDEN' });
    expect(await membershipOn(a, roomId, b.user)).toBeUndefined();
    expect(await failure(b.fed.knock(roomId, []))).toMatchObject({ errcode: 'M_INVALID_PARAM' });
  });
});

describe('make_knock / send_knock refusals', () => {
  const cases: {
    name: string;
    status: number;
    errcode: string;
    words: RegExp;
    ask: (t: {
      a: Server;
      b: Server;
      c: Server;
      roomId: string;
      now: number;
    }) => Promise<JsonObject>;
  }[] = [
    {
      name: 'make_knock without ver',
      status: 400,
      errcode: 'M_MISSING_PARAM',
      words: /ver/,
      ask: (t) => t.b.fed.client.request(t.a.name, 'GET', makeKnockPath(t.roomId, t.b.user, '')),
    },
    {
      name: 'make_knock for versions the room is not',
      status: 400,
      errcode: 'M_INCOMPATIBLE_ROOM_VERSION',
      words: /version 12/,
      ask: (t) =>
        t.b.fed.client.request(t.a.name, 'GET', makeKnockPath(t.roomId, t.b.user, 'ver=10,11')),
    },
    {
      name: 'make_knock for a user of another server',
      status: 403,
      errcode: 'M_FORBIDDEN',
      words: /cannot ask to knock/,
      ask: (t) => t.c.fed.client.request(t.a.name, 'GET', makeKnockPath(t.roomId, t.b.user)),
    },
    {
      name: 'make_knock for an unknown room',
      status: 404,
      errcode: 'M_NOT_FOUND',
      words: /does not know the room/,
      ask: (t) => t.b.fed.client.request(t.a.name, 'GET', makeKnockPath('!nope:x', t.b.user)),
    },
    {
      name: 'make_knock for a user already joined',
      status: 403,
      errcode: 'M_FORBIDDEN',
      words: /Not allowed/,
      ask: (t) => t.c.fed.client.request(t.a.name, 'GET', makeKnockPath(t.roomId, t.c.user)),
    },
    {
      name: 'send_knock with an event that is not a knock',
      status: 400,
      errcode: 'M_INVALID_PARAM',
      words: /not a knock of its sender/,
      ask: async (t) => {
        const knock = await signedKnock(t.b, t.a, t.roomId, t.now);
        return t.b.fed.client.request(t.a.name, 'PUT', sendKnockPath(t.roomId, knock.eventId), {
          ...(knock.pdu as JsonObject),
          content: { membership: 'join' },
        });
      },
    },
    {
      name: 'send_knock from another server than the sender`s',
      status: 403,
      errcode: 'M_FORBIDDEN',
      words: /cannot send a knock/,
      ask: async (t) => {
        const knock = await signedKnock(t.b, t.a, t.roomId, t.now);
        return t.c.fed.client.request(
          t.a.name,
          'PUT',
          sendKnockPath(t.roomId, knock.eventId),
          knock.pdu as JsonObject,
        );
      },
    },
  ];
  it.each(cases)('$name: $status $errcode', async ({ status, errcode, words, ask }) => {
    const { a, b, c, roomId, now } = await knockRoom();
    const heads = (await a.node.roomState(roomId)).heads;
    const error = await remoteError(ask({ a, b, c, roomId, now: now() }));
    expect(error).toMatchObject({ httpStatus: status, errcode });
    expect(error.message).toMatch(words);
    expect((await a.node.roomState(roomId)).heads).toEqual(heads);
  });

  it('send_knock is idempotent: a retry answers the stripped state again', async () => {
    const { a, b, roomId, now } = await knockRoom();
    const knock = await signedKnock(b, a, roomId, now());
    const path = sendKnockPath(roomId, knock.eventId);
    const first = await b.fed.client.request(a.name, 'PUT', path, knock.pdu as JsonObject);
    const again = await b.fed.client.request(a.name, 'PUT', path, knock.pdu as JsonObject);
    expect(again).toEqual(first);
    expect(await membershipOn(a, roomId, b.user)).toBe('knock');
  });
});

/** `server`'s user's knock on `roomId`, signed from `resident`'s make_knock template. */
async function signedKnock(server: Server, resident: Server, roomId: string, now: number) {
  const identity = await identityOf(server);
  const userId = userIdOf(identity);
  const template = await server.fed.client.request(
    resident.name,
    'GET',
    makeKnockPath(roomId, userId),
  );
  return signMemberFromTemplate(
    template,
    { resident: resident.name, roomId, userId, membership: 'knock', content: {} },
    identity,
    now,
  );
}
