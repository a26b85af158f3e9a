/**
 * Joining rooms over federation, end to end: three FederatedNodes on one
 * MemoryNetwork, real signatures, real stores. B and C join A's public room
 * through make_join/send_join; events flow both ways through the outbound
 * queue and `/send`; all timelines agree. Then the refusals: invite-only
 * rooms, unknown rooms, unsupported versions, and a forged send_join answer.
 */

import { describe, expect, it } from 'vitest';
import type { FederationResponse } from '../../../src/federation/transport.js';
import { failure, remoteError } from '../expect-failure.js';
import { federation, messages, roomData, timelineIds } from './helpers.js';

const makeJoinPath = (roomId: string, user: string, query = 'ver=10&ver=11&ver=12') =>
  `/_matrix/federation/v1/make_join/${encodeURIComponent(roomId)}/${encodeURIComponent(user)}?${query}`;

describe('joining a room on another server', () => {
  it('B joins A public room and sees its state; messages flow both ways', async () => {
    const { servers, settle, errors, network } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Lobby', topic: 'Tea' });

    expect(await b.fed.joinRoom(roomId, [a.name])).toBe(roomId);

    const summary = (await b.node.rooms()).find((r) => r.roomId === roomId);
    expect(summary).toMatchObject({ membership: 'join', name: 'Lobby', topic: 'Tea' });
    const state = await b.node.roomState(roomId);
    expect(state.joinRule).toBe('public');
    expect(await b.node.members(roomId)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ userId: a.user, membership: 'join', displayName: 'Alice' }),
        expect.objectContaining({ userId: b.user, membership: 'join', displayName: 'Bob' }),
      ]),
    );
    // A accepted the join: B is a member there too, with the same state.
    const onA = await a.node.roomState(roomId);
    expect(onA.heads).toEqual(state.heads);
    expect(onA.state.map((e) => e.eventId).sort()).toEqual(
      state.state.map((e) => e.eventId).sort(),
    );

    await b.node.sendMessage(roomId, { msgtype: 'm.text', body: 'hello from B' });
    await settle();
    expect(await messages(a, roomId)).toEqual(['hello from B']);

    await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'hello from A' });
    await settle();
    expect(await messages(b, roomId)).toEqual(['hello from B', 'hello from A']);
    expect(await timelineIds(b, roomId)).toEqual((await timelineIds(a, roomId)).slice(-3));
    // Each message went once, through the outbound queue and /send; nothing echoed back.
    const sends = network.deliveries.filter((d) =>
      d.path.startsWith('/_matrix/federation/v1/send/'),
    );
    expect(sends.map((d) => d.to)).toEqual([a.name, b.name]);
    expect(errors).toEqual([]);
  });

  it('C joins too; the join is relayed to B and all three timelines agree', async () => {
    const { servers, settle } = await federation(3);
    const [a, b, c] = servers as [(typeof servers)[0], (typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Lobby' });
    await b.fed.joinRoom(roomId, [a.name]);
    await b.node.sendMessage(roomId, { msgtype: 'm.text', body: 'one' });
    await settle();

    const cJoin = await c.fed.joinRoom(roomId, [a.name]);
    expect(cJoin).toBe(roomId);
    await settle();
    const memberIds = async (s: (typeof servers)[0]) =>
      (await s.node.members(roomId)).filter((m) => m.membership === 'join').map((m) => m.userId);
    for (const s of servers)
      expect((await memberIds(s)).sort()).toEqual([a.user, b.user, c.user].sort());

    await a.node.sendMessage(roomId, { msgtype: 'm.text', body: 'two' });
    await settle();
    await b.node.sendMessage(roomId, { msgtype: 'm.text', body: 'three' });
    await settle();
    await c.node.sendMessage(roomId, { msgtype: 'm.text', body: 'four' });
    await settle();

    const [onA, onB, onC] = await Promise.all(servers.map((s) => timelineIds(s, roomId)));
    // C's timeline starts at its join; from there, all three agree event for event.
    expect(onC).toHaveLength(4);
    expect(onA!.slice(-4)).toEqual(onC);
    expect(onB!.slice(-4)).toEqual(onC);
    expect(await messages(c, roomId)).toEqual(['two', 'three', 'four']);
    expect(await messages(b, roomId)).toEqual(['one', 'two', 'three', 'four']);
    // Same heads everywhere.
    const heads = await Promise.all(
      servers.map(async (s) => (await s.node.roomState(roomId)).heads),
    );
    expect(heads[1]).toEqual(heads[0]);
    expect(heads[2]).toEqual(heads[0]);
  });

  it('an invite-only room refuses make_join with 403 M_FORBIDDEN, and nothing is stored', async () => {
    const { servers } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'private_chat', name: 'Secret' });

    const error = await remoteError(
      b.fed.client.request(a.name, 'GET', makeJoinPath(roomId, b.user)),
    );
    expect([error.httpStatus, error.errcode]).toEqual([403, 'M_FORBIDDEN']);

    const joinError = await failure(b.fed.joinRoom(roomId, [a.name]));
    expect(joinError.name).toBe('JoinFailedError');
    expect(joinError.errcode).toBe('M_FORBIDDEN');
    expect(joinError.message).toContain(a.name);
    expect((await roomData(b, roomId)).rooms).toEqual([]);
  });

  it('an invited user may join an invite-only room', async () => {
    const { servers, settle } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'private_chat', invite: [b.user] });
    await settle();
    await b.fed.joinRoom(roomId, [a.name]);
    expect((await b.node.rooms()).map((r) => r.membership)).toEqual(['join']);
  });

  it('an unknown room is 404 M_NOT_FOUND; a version we do not list is M_INCOMPATIBLE_ROOM_VERSION', async () => {
    const { servers } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const unknown = await remoteError(
      b.fed.client.request(a.name, 'GET', makeJoinPath(`!nowhere:${a.name}`, b.user)),
    );
    expect([unknown.httpStatus, unknown.errcode]).toEqual([404, 'M_NOT_FOUND']);
    const joinError = await failure(b.fed.joinRoom(`!nowhere:${a.name}`, [a.name]));
    expect(joinError.errcode).toBe('M_NOT_FOUND');

    const roomId = await a.node.createRoom({ preset: 'public_chat' });
    const wrongVer = await remoteError(
      b.fed.client.request(a.name, 'GET', makeJoinPath(roomId, b.user, 'ver=1&ver=2')),
    );
    expect([wrongVer.httpStatus, wrongVer.errcode]).toEqual([400, 'M_INCOMPATIBLE_ROOM_VERSION']);
    const noVer = await remoteError(
      b.fed.client.request(a.name, 'GET', makeJoinPath(roomId, b.user, '')),
    );
    expect(noVer.errcode).toBe('M_INCOMPATIBLE_ROOM_VERSION');
  });

  it('make_join for another server’s user is 403; a send_join under the wrong event ID is 400', async () => {
    const { servers } = await federation(3);
    const [a, b, c] = servers as [(typeof servers)[0], (typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'public_chat' });
    const other = await remoteError(
      b.fed.client.request(a.name, 'GET', makeJoinPath(roomId, c.user)),
    );
    expect([other.httpStatus, other.errcode]).toEqual([403, 'M_FORBIDDEN']);

    const template = await b.fed.client.request(a.name, 'GET', makeJoinPath(roomId, b.user));
    const wrong = await remoteError(
      b.fed.client.request(
        a.name,
        'PUT',
        `/_matrix/federation/v2/send_join/${encodeURIComponent(roomId)}/${encodeURIComponent('$nothing')}`,
        template.event as never,
      ),
    );
    expect(wrong.httpStatus).toBe(400);
  });

  it('unreachable servers are named in the error; a later server in `via` still works', async () => {
    const { servers, network } = await federation(3);
    const [a, b, c] = servers as [(typeof servers)[0], (typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'public_chat' });
    network.setOffline(c.name);
    expect(await b.fed.joinRoom(roomId, [c.name, a.name])).toBe(roomId);

    const { servers: others, network: net2 } = await federation(2);
    const [x, y] = others as [(typeof others)[0], (typeof others)[0]];
    const lonely = await x.node.createRoom({ preset: 'public_chat' });
    net2.setOffline(x.name);
    const error = await failure(y.fed.joinRoom(lonely, [x.name, 'nobody.localhost']));
    expect(error.name).toBe('JoinFailedError');
    expect(error.message).toContain(x.name);
    expect(error.message).toContain('nobody.localhost');
    expect(error.message).toContain('unreachable');
  });

  it('a forged state event in the send_join answer fails the join and stores nothing', async () => {
    const { servers, network } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Lobby' });
    // A man in the middle (or a lying resident) hands B more power than it has.
    network.addNode(a.name, async (request, meta): Promise<FederationResponse> => {
      const response = await a.fed.handle(request, meta);
      if (!request.path.includes('/send_join/') || response.status !== 200) return response;
      const body = JSON.parse(new TextDecoder().decode(response.body));
      const levels = body.state.find((e: { type: string }) => e.type === 'm.room.power_levels');
      levels.content.users = { ...levels.content.users, [b.user]: 100 };
      return { ...response, body: new TextEncoder().encode(JSON.stringify(body)) };
    });

    const error = await failure(b.fed.joinRoom(roomId, [a.name]));
    expect(error.errcode).toBe('M_FORBIDDEN');
    expect(error.message).toContain('cannot be trusted');
    const stored = await roomData(b, roomId);
    expect(stored.events).toEqual([]);
    expect(stored.rooms).toEqual([]);
    expect(await b.node.rooms()).toEqual([]);
  });
});
