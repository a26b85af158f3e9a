/**
 * Asking another server for its public room list: the signed
 * `POST /_matrix/federation/v1/publicRooms` (the GET form takes no filter).
 * What comes back is a stranger's data, so every entry is checked and the
 * ones that are not what the spec's `PublicRoomsChunk` says are left out
 * rather than failing the whole page.
 */
import { isValidLegacyRoomId, isValidRoomId } from '../../core/identifiers.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { FederationClient } from '../client.js';
import { BadRemoteResponseError } from '../remote-errors.js';
import type { PublicRoomEntry } from './public-rooms.js';

/** Which page of another server's list. */
export interface RemotePublicRoomsQuery {
  /** Most rooms in the page; default 20. */
  limit?: number;
  /** A `next_batch` token from an earlier page. */
  since?: string;
  /** Only rooms whose name, topic or alias contain it. */
  searchTerm?: string;
}

/** One page of another server's public rooms. */
export interface RemotePublicRooms {
  server: string;
  rooms: PublicRoomEntry[];
  nextBatch?: string;
  totalEstimate?: number;
}

/** The longest strings kept from a remote entry: a listing is for reading, not storage. */
const MAX_TEXT = 1000;

/** Fetches one page of `server`'s public room list. */
export async function queryPublicRooms(
  client: Pick<FederationClient, 'request'>,
  server: string,
  query: RemotePublicRoomsQuery = {},
): Promise<RemotePublicRooms> {
  const body: JsonObject = { limit: query.limit ?? 20 };
  if (query.since !== undefined) body.since = query.since;
  if (query.searchTerm !== undefined && query.searchTerm !== '') {
    body.filter = { generic_search_term: query.searchTerm };
  }
  const answer = await client.request(server, 'POST', '/_matrix/federation/v1/publicRooms', body);
  if (!Array.isArray(answer.chunk)) {
    throw new BadRemoteResponseError(server, 'the public room list has no chunk array');
  }
  const page: RemotePublicRooms = {
    server,
    rooms: answer.chunk.flatMap((entry) => {
      const room = publicRoomEntry(entry);
      return room === undefined ? [] : [room];
    }),
  };
  if (typeof answer.next_batch === 'string') page.nextBatch = answer.next_batch;
  if (typeof answer.total_room_count_estimate === 'number') {
    page.totalEstimate = answer.total_room_count_estimate;
  }
  return page;
}

/** A checked entry, or undefined when the required fields are missing or wrong. */
export function publicRoomEntry(value: unknown): PublicRoomEntry | undefined {
  if (!isJsonObject(value)) return undefined;
  const roomId = value.room_id;
  if (typeof roomId !== 'string' || !(isValidLegacyRoomId(roomId) || isValidRoomId(roomId, '12'))) {
    return undefined;
  }
  const members = value.num_joined_members;
  if (typeof members !== 'number' || !Number.isSafeInteger(members) || members < 0) {
    return undefined;
  }
  if (typeof value.world_readable !== 'boolean' || typeof value.guest_can_join !== 'boolean') {
    return undefined;
  }
  const entry: PublicRoomEntry = {
    room_id: roomId,
    num_joined_members: members,
    world_readable: value.world_readable,
    guest_can_join: value.guest_can_join,
    // The spec's default when a server leaves it out.
    join_rule: typeof value.join_rule === 'string' ? value.join_rule : 'public',
  };
  for (const key of ['name', 'topic', 'canonical_alias', 'avatar_url', 'room_type'] as const) {
    const text = value[key];
    if (typeof text === 'string' && text.length <= MAX_TEXT) entry[key] = text;
  }
  return entry;
}
