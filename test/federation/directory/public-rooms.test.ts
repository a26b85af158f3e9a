/**
 * `/publicRooms` over a real federation: only published rooms that others may
 * join are listed, with the spec's fields; pages of 2 over 5 rooms walk
 * forwards and back; POST filters by a search term; GET is public, POST needs
 * X-Matrix. Also `TidepoolNode.publishRoom`'s refusals.
 */

import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/core/json.js';
import type { CreateRoomOptions } from '../../../src/node/api.js';
import { remoteError } from '../expect-failure.js';
import { federation, type Server } from '../join/helpers.js';

const PATH = '/_matrix/federation/v1/publicRooms';

interface Page extends JsonObject {
  chunk: JsonObject[];
}

/** Unsigned GET from `from` to `to`. */
const get = (from: Server, to: Server, query = '') =>
  from.fed.client.request(to.name, 'GET', `${PATH}${query}`, undefined, {
    sign: false,
  }) as Promise<Page>;

/** Signed POST. */
const post = (from: Server, to: Server, body: JsonObject) =>
  from.fed.client.request(to.name, 'POST', PATH, body) as Promise<Page>;

/**
 * Creates a room on `server` a millisecond after the last: a v12 room ID is
 * the create event's hash, so two rooms created by one user at the same
 * instant with the same options would be one room.
 */
async function createRoom(
  clock: { advance(ms: number): Promise<void> },
  server: Server,
  options: CreateRoomOptions,
): Promise<string> {
  await clock.advance(1);
  return server.node.createRoom(options);
}

/** A publishes five public rooms; B joins the first two (two members each). */
async function fiveRooms() {
  const fed = await federation(2);
  const [a, b] = fed.servers as [Server, Server];
  const names = ['Teapot', 'Garden', 'Kitchen', 'Library', 'Attic'];
  const ids: string[] = [];
  for (const name of names) {
    const roomId = await createRoom(fed.clock, a, { preset: 'public_chat', name });
    await a.node.publishRoom(roomId, true);
    ids.push(roomId);
  }
  for (const roomId of ids.slice(0, 2)) await b.fed.joinRoom(roomId, [a.name]);
  return { ...fed, a, b, ids };
}

describe('publicRooms', () => {
  it('lists only published rooms others may join, with the spec fields', async () => {
    const { servers, clock } = await federation(2);
    const [a, b] = servers as [Server, Server];
    const alias = `#lobby:${a.name}`;
    const lobby = await createRoom(clock, a, { preset: 'public_chat', name: 'Lobby', alias });
    await a.node.setTopic(lobby, 'Tea and talk');
    await a.node.setAvatar(lobby, 'mxc://a/lobby');
    await a.node.setHistoryVisibility(lobby, 'world_readable');
    await a.node.setState(lobby, 'm.room.guest_access', '', { guest_access: 'can_join' });
    await a.node.publishRoom(lobby, true);
    const plain = await createRoom(clock, a, { preset: 'public_chat' });
    await a.node.publishRoom(plain, true);
    await createRoom(clock, a, { preset: 'public_chat', name: 'Not listed' });
    const secret = await createRoom(clock, a, { preset: 'private_chat', name: 'Invite only' });
    await a.node.publishRoom(secret, true); // listed, but invite-only rooms are not shown
    await b.fed.joinRoom(lobby, [a.name]);

    const page = await get(b, a);
    expect(page).toEqual({
      chunk: [
        {
          room_id: lobby,
          name: 'Lobby',
          topic: 'Tea and talk',
          canonical_alias: alias,
          avatar_url: 'mxc://a/lobby',
          num_joined_members: 2,
          world_readable: true,
          guest_can_join: true,
          join_rule: 'public',
        },
        {
          room_id: plain,
          num_joined_members: 1,
          world_readable: false,
          guest_can_join: false,
          join_rule: 'public',
        },
      ],
      total_room_count_estimate: 2,
    });
    // Unpublishing takes the room off.
    await a.node.publishRoom(lobby, false);
    expect((await get(b, a)).chunk.map((r) => r.room_id)).toEqual([plain]);
    // B lists nothing: it publishes nothing (A's rooms are A's directory).
    expect(await get(a, b)).toEqual({ chunk: [], total_room_count_estimate: 0 });
  });

  it('paginates with limit 2 over 5 rooms, largest first, forwards and back', async () => {
    const { a, b, ids } = await fiveRooms();
    const [first, second, ...rest] = ids;
    // Two members first (room ID order between equals), then the rest by room ID.
    const expected = [...[first!, second!].sort(), ...rest.sort()];

    const p1 = await get(b, a, '?limit=2');
    expect(p1.chunk.map((r) => r.room_id)).toEqual(expected.slice(0, 2));
    expect(p1.chunk.map((r) => r.num_joined_members)).toEqual([2, 2]);
    expect(p1.total_room_count_estimate).toBe(5);
    expect(p1.prev_batch).toBeUndefined();
    expect(typeof p1.next_batch).toBe('string');

    const p2 = await get(b, a, `?limit=2&since=${encodeURIComponent(String(p1.next_batch))}`);
    expect(p2.chunk.map((r) => r.room_id)).toEqual(expected.slice(2, 4));
    expect(typeof p2.prev_batch).toBe('string');

    const p3 = await post(b, a, { limit: 2, since: String(p2.next_batch) });
    expect(p3.chunk.map((r) => r.room_id)).toEqual(expected.slice(4));
    expect(p3.next_batch).toBeUndefined();

    // Back from the last page, then from the second.
    const back = await get(b, a, `?limit=2&since=${encodeURIComponent(String(p3.prev_batch))}`);
    expect(back.chunk.map((r) => r.room_id)).toEqual(expected.slice(2, 4));
    const start = await post(b, a, { limit: 2, since: String(p2.prev_batch) });
    expect(start.chunk.map((r) => r.room_id)).toEqual(expected.slice(0, 2));
    expect(start.prev_batch).toBeUndefined();

    // No limit (0 or absent): everything at once.
    expect((await get(b, a, '?limit=0')).chunk).toHaveLength(5);
    expect((await post(b, a, {})).chunk).toHaveLength(5);
  });

  it('POST filters on name, topic and alias, ignoring case', async () => {
    const { a, b, ids, clock } = await fiveRooms();
    await a.node.setTopic(ids[2]!, 'Where the TEA is brewed');
    const aliased = await createRoom(clock, a, {
      preset: 'public_chat',
      name: 'Porch',
      alias: `#afternoon-tea:${a.name}`,
    });
    await a.node.publishRoom(aliased, true);

    const page = await post(b, a, { filter: { generic_search_term: 'tEa' } });
    expect(page.chunk.map((r) => r.room_id).sort()).toEqual([ids[0]!, ids[2]!, aliased].sort());
    expect(page.total_room_count_estimate).toBe(3);
    expect((await post(b, a, { filter: { generic_search_term: 'nothing' } })).chunk).toEqual([]);
    // Rooms without a type match `null`; no room is a space.
    expect((await post(b, a, { filter: { room_types: [null] } })).chunk).toHaveLength(6);
    expect((await post(b, a, { filter: { room_types: ['m.space'] } })).chunk).toEqual([]);
  });

  it('third-party networks: none here; both options at once are refused', async () => {
    const { a, b } = await fiveRooms();
    expect((await get(b, a, '?include_all_networks=true')).chunk).toHaveLength(5);
    expect((await get(b, a, '?third_party_instance_id=irc')).chunk).toEqual([]);
    const both = await remoteError(
      post(b, a, { include_all_networks: true, third_party_instance_id: 'irc' }),
    );
    expect([both.httpStatus, both.errcode]).toEqual([400, 'M_INVALID_PARAM']);
  });

  it('refuses bad parameters', async () => {
    const { servers } = await federation(2);
    const [a, b] = servers as [Server, Server];
    const cases: [() => Promise<unknown>, number, string][] = [
      [() => get(b, a, '?limit=-1'), 400, 'M_INVALID_PARAM'],
      [() => get(b, a, '?since=bogus'), 400, 'M_INVALID_PARAM'],
      [() => get(b, a, '?include_all_networks=yes'), 400, 'M_INVALID_PARAM'],
      [() => post(b, a, { since: 'o-1' }), 400, 'M_INVALID_PARAM'],
      [() => post(b, a, { limit: 'ten' }), 400, 'M_BAD_JSON'],
      [() => post(b, a, { filter: 'tea' }), 400, 'M_BAD_JSON'],
      [() => post(b, a, { filter: { generic_search_term: 3 } }), 400, 'M_BAD_JSON'],
      [() => post(b, a, { filter: { room_types: [1] } }), 400, 'M_BAD_JSON'],
      [() => post(b, a, { include_all_networks: 'no' }), 400, 'M_BAD_JSON'],
    ];
    for (const [request, status, errcode] of cases) {
      const error = await remoteError(request());
      expect([error.httpStatus, error.errcode]).toEqual([status, errcode]);
    }
  });

  it('GET is public; POST requires X-Matrix', async () => {
    const { a, b } = await fiveRooms();
    expect((await get(b, a)).chunk).toHaveLength(5);
    const unsigned = await remoteError(
      b.fed.client.request(a.name, 'POST', PATH, {}, { sign: false }),
    );
    expect([unsigned.httpStatus, unsigned.errcode]).toEqual([401, 'M_UNAUTHORIZED']);
  });
});

describe('TidepoolNode.publishRoom', () => {
  it('lists only rooms we are joined to; unlisting always works', async () => {
    const { servers } = await federation(1);
    const [a] = servers as [Server];
    const roomId = await a.node.createRoom({ preset: 'public_chat' });
    await expect(a.node.publishRoom(`!nowhere:${a.name}`, true)).rejects.toMatchObject({
      errcode: 'M_NOT_FOUND',
    });
    await a.node.leave(roomId);
    await expect(a.node.publishRoom(roomId, true)).rejects.toMatchObject({
      errcode: 'M_FORBIDDEN',
    });
    await a.node.publishRoom(roomId, false);
    expect(await a.store.read(['directory'], (txn) => txn.directory.list())).toEqual([]);
  });
});
