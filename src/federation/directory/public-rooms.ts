/**
 * The public room list, as data: the entries of the rooms we list
 * (`publishedRooms`, read from the node) and one page of them
 * (`publicRoomsPage`, pure: filter, order, paginate). Shapes follow the
 * spec's `public_rooms_chunk.yaml` / `public_rooms_response.yaml`.
 */
import { MatrixError } from '../../core/errors.js';
import type { JsonObject } from '../../core/json.js';
import type { TidepoolNode } from '../../node/node.js';
import type { Store } from '../../store/store.js';

/** One room of the list (`PublicRoomsChunk`). */
export interface PublicRoomEntry {
  room_id: string;
  name?: string;
  topic?: string;
  canonical_alias?: string;
  num_joined_members: number;
  world_readable: boolean;
  guest_can_join: boolean;
  join_rule: string;
  avatar_url?: string;
  /** The create event's `type` (e.g. `m.space`), if any. */
  room_type?: string;
}

/** Which page of which rooms. */
export interface PublicRoomsQuery {
  /** Most rooms in the page; 0 or absent: no limit. */
  limit?: number;
  /** A `next_batch` or `prev_batch` token of an earlier page. */
  since?: string;
  /** Kept when the name, topic or canonical alias contains it, ignoring case. */
  searchTerm?: string;
  /** Kept when the room's type is listed (`null`: rooms without a type). */
  roomTypes?: readonly (string | null)[];
}

/** Join rules a listed room may have: invite-only rooms are "not expected here" (the spec). */
const LISTABLE_JOIN_RULES = new Set(['public', 'knock', 'restricted', 'knock_restricted']);

/** The entries of every room in our directory that we are joined to and others may join. */
export async function publishedRooms(
  node: Pick<TidepoolNode, 'rooms' | 'roomState'>,
  store: Store,
): Promise<PublicRoomEntry[]> {
  const listed = await store.read(['directory'], (txn) => txn.directory.list());
  if (listed.length === 0) return [];
  const joined = new Map(
    (await node.rooms()).filter((r) => r.membership === 'join').map((r) => [r.roomId, r]),
  );
  const entries: PublicRoomEntry[] = [];
  for (const { roomId } of listed) {
    const summary = joined.get(roomId);
    if (summary === undefined) continue;
    const state = await node.roomState(roomId);
    if (!LISTABLE_JOIN_RULES.has(state.joinRule)) continue;
    const content = (type: string) => state.state.find((e) => e.type === type && e.stateKey === '');
    const entry: PublicRoomEntry = {
      room_id: roomId,
      num_joined_members: summary.joinedMembers,
      world_readable: state.historyVisibility === 'world_readable',
      guest_can_join: content('m.room.guest_access')?.content.guest_access === 'can_join',
      join_rule: state.joinRule,
    };
    if (state.name !== undefined) entry.name = state.name;
    if (state.topic !== undefined) entry.topic = state.topic;
    if (state.canonicalAlias !== undefined) entry.canonical_alias = state.canonicalAlias;
    if (state.avatarUrl !== undefined) entry.avatar_url = state.avatarUrl;
    const roomType = content('m.room.create')?.content.type;
    if (typeof roomType === 'string') entry.room_type = roomType;
    entries.push(entry);
  }
  return entries;
}

/**
 * One page: the matching rooms, largest first (the spec's order; room ID
 * breaks ties), from the token's offset. `next_batch` / `prev_batch` are
 * present only when there is a page after / before; `total_room_count_estimate`
 * counts the matching rooms. A token we did not issue is 400 `M_INVALID_PARAM`.
 */
export function publicRoomsPage(entries: readonly PublicRoomEntry[], query: PublicRoomsQuery) {
  const term = query.searchTerm?.trim().toLowerCase() ?? '';
  const types = query.roomTypes;
  const matching = entries
    .filter((entry) => term === '' || searchable(entry).some((text) => text.includes(term)))
    .filter((entry) => types === undefined || types.includes(entry.room_type ?? null))
    .sort((a, b) => b.num_joined_members - a.num_joined_members || compare(a.room_id, b.room_id));
  const start = query.since === undefined ? 0 : parseToken(query.since);
  const limit = query.limit !== undefined && query.limit > 0 ? query.limit : matching.length;
  const end = Math.min(start + limit, matching.length);
  const page: JsonObject = {
    chunk: matching.slice(start, end) as unknown as JsonObject[],
    total_room_count_estimate: matching.length,
  };
  if (end < matching.length) page.next_batch = token(end);
  if (start > 0) page.prev_batch = token(Math.max(0, Math.min(start, matching.length) - limit));
  return page;
}

/** A page token: the offset of the page's first room in the ordered list. */
function token(offset: number): string {
  return `o${offset}`;
}

function parseToken(since: string): number {
  const offset = Number(since.slice(1));
  if (!/^o\d{1,9}$/.test(since) || !Number.isSafeInteger(offset)) {
    throw new MatrixError('M_INVALID_PARAM', `${since} is not a pagination token of this server`);
  }
  return offset;
}

/** The lower-cased texts a search term is looked for in. */
function searchable(entry: PublicRoomEntry): string[] {
  return [entry.name, entry.topic, entry.canonical_alias]
    .filter((text): text is string => text !== undefined)
    .map((text) => text.toLowerCase());
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
