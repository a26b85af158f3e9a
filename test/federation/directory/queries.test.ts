/**
 * The query endpoints over a real federation: B resolves A's alias through
 * `/query/directory` and joins by alias; B reads A's user's profile through
 * `/query/profile`; the refusals (unknown alias or user, another server's
 * user, bad parameters) and X-Matrix being required.
 */

import { describe, expect, it } from 'vitest';
import { failure, remoteError } from '../expect-failure.js';
import { federation, messages } from '../join/helpers.js';

const directory = (alias: string) =>
  `/_matrix/federation/v1/query/directory?room_alias=${encodeURIComponent(alias)}`;
const profile = (userId: string, field?: string) =>
  `/_matrix/federation/v1/query/profile?user_id=${encodeURIComponent(userId)}${
    field === undefined ? '' : `&field=${field}`
  }`;

describe('query/directory', () => {
  it('B resolves A alias and joins the room by alias', async () => {
    const { servers, settle, errors } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const alias = `#lobby:${a.name}`;
    const roomId = await a.node.createRoom({ preset: 'public_chat', name: 'Lobby', alias });

    expect(await b.fed.client.request(a.name, 'GET', directory(alias))).toEqual({
      room_id: roomId,
      servers: [a.name],
    });

    expect(await b.fed.joinRoom(alias)).toBe(roomId);
    expect((await b.node.rooms()).find((r) => r.roomId === roomId)).toMatchObject({
      membership: 'join',
      name: 'Lobby',
      canonicalAlias: alias,
    });
    // Joining again by alias is answered at once; A now names B as a resident too.
    expect(await b.fed.joinRoom(alias)).toBe(roomId);
    expect(await b.fed.client.request(a.name, 'GET', directory(alias))).toEqual({
      room_id: roomId,
      servers: [a.name, b.name],
    });
    await b.node.sendMessage(roomId, { msgtype: 'm.text', body: 'came by alias' });
    await settle();
    expect(await messages(a, roomId)).toEqual(['came by alias']);
    expect(errors).toEqual([]);
  });

  it('C joins through the servers A names for the alias, B, while A is offline for joins', async () => {
    const { servers, network } = await federation(3);
    const [a, b, c] = servers as [(typeof servers)[0], (typeof servers)[0], (typeof servers)[0]];
    const alias = `#lobby:${a.name}`;
    const roomId = await a.node.createRoom({ preset: 'public_chat', alias });
    await b.fed.joinRoom(roomId, [a.name]);
    // A answers the alias query, then goes away: C must join through B.
    const resolved = await c.fed.client.request(a.name, 'GET', directory(alias));
    expect(resolved.servers).toEqual([a.name, b.name]);
    const original = a.fed.handle;
    network.removeNode(a.name);
    network.addNode(a.name, (request, meta) =>
      request.path.includes('/make_join/') || request.path.includes('/send_join/')
        ? Promise.resolve({ status: 503, headers: {}, body: new TextEncoder().encode('{}') })
        : original(request, meta),
    );
    expect(await c.fed.joinRoom(alias)).toBe(roomId);
    expect((await c.node.rooms()).find((r) => r.roomId === roomId)?.membership).toBe('join');
    const joins = network.deliveries.filter(
      (d) => d.from === c.name && d.path.includes('/send_join/'),
    );
    expect(joins.map((d) => d.to)).toEqual([b.name]);
  });

  it('unknown aliases, aliases of other servers and bad parameters are refused', async () => {
    const { servers } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const unknown = await remoteError(
      b.fed.client.request(a.name, 'GET', directory(`#nowhere:${a.name}`)),
    );
    expect([unknown.httpStatus, unknown.errcode]).toEqual([404, 'M_NOT_FOUND']);
    await b.node.createRoom({ preset: 'public_chat', alias: `#mine:${b.name}` });
    const foreign = await remoteError(
      b.fed.client.request(a.name, 'GET', directory(`#mine:${b.name}`)),
    );
    expect([foreign.httpStatus, foreign.errcode]).toEqual([404, 'M_NOT_FOUND']);
    const missing = await remoteError(
      b.fed.client.request(a.name, 'GET', '/_matrix/federation/v1/query/directory'),
    );
    expect([missing.httpStatus, missing.errcode]).toEqual([400, 'M_MISSING_PARAM']);
    const invalid = await remoteError(b.fed.client.request(a.name, 'GET', directory('lobby')));
    expect([invalid.httpStatus, invalid.errcode]).toEqual([400, 'M_INVALID_PARAM']);

    // Joining by an alias its server does not know names the server.
    const error = await failure(b.fed.joinRoom(`#nowhere:${a.name}`));
    expect(error.name).toBe('AliasNotResolvedError');
    expect(error.errcode).toBe('M_NOT_FOUND');
    expect(error.message).toContain(a.name);
  });

  it('an unreachable alias server fails the join with M_UNKNOWN, naming it', async () => {
    const { servers, network } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    network.setOffline(a.name);
    const error = await failure(b.fed.joinRoom(`#lobby:${a.name}`));
    expect(error.name).toBe('AliasNotResolvedError');
    expect(error.errcode).toBe('M_UNKNOWN');
    expect(error.message).toContain(`${a.name} is unreachable`);
  });
});

describe('query/profile', () => {
  it('B reads the profile of A user, whole or one field', async () => {
    const { servers } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    await a.node.setProfile({ displayName: 'Alice', avatarUrl: 'mxc://a/pic' });
    expect(await b.fed.client.request(a.name, 'GET', profile(a.user))).toEqual({
      displayname: 'Alice',
      avatar_url: 'mxc://a/pic',
    });
    expect(await b.fed.client.request(a.name, 'GET', profile(a.user, 'displayname'))).toEqual({
      displayname: 'Alice',
    });
    expect(await b.fed.client.request(a.name, 'GET', profile(a.user, 'avatar_url'))).toEqual({
      avatar_url: 'mxc://a/pic',
    });
    // A field that is not set is left out.
    expect(await a.fed.client.request(b.name, 'GET', profile(b.user, 'avatar_url'))).toEqual({});
  });

  it('refuses unknown users, other servers users and bad parameters', async () => {
    const { servers } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    const cases: [string, number, string][] = [
      [profile(`@nobody:${a.name}`), 404, 'M_NOT_FOUND'],
      [profile(b.user), 400, 'M_INVALID_PARAM'],
      [profile(a.user, 'email'), 400, 'M_INVALID_PARAM'],
      [profile('not-a-user'), 400, 'M_INVALID_PARAM'],
      ['/_matrix/federation/v1/query/profile', 400, 'M_MISSING_PARAM'],
    ];
    for (const [path, status, errcode] of cases) {
      const error = await remoteError(b.fed.client.request(a.name, 'GET', path));
      expect([path, error.httpStatus, error.errcode]).toEqual([path, status, errcode]);
    }
  });
});

describe('authentication', () => {
  it('the query endpoints require X-Matrix (401 unsigned)', async () => {
    const { servers } = await federation(2);
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    await a.node.createRoom({ preset: 'public_chat', alias: `#lobby:${a.name}` });
    for (const path of [directory(`#lobby:${a.name}`), profile(a.user)]) {
      const error = await remoteError(
        b.fed.client.request(a.name, 'GET', path, undefined, { sign: false }),
      );
      expect([error.httpStatus, error.errcode]).toEqual([401, 'M_UNAUTHORIZED']);
    }
  });
});
