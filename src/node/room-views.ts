/**
 * Read models built from a room's in-memory state (room-cache.ts): the state
 * view, the member list with power levels, and the room list summary. Pure
 * functions of the cache, so they cost no IndexedDB reads.
 */
import { roomCreators } from '../core/auth/create-event.js';
import { userPowerLevel } from '../core/auth/power-levels.js';
import { isJsonObject, type JsonObject } from '../core/json.js';
import type { Pdu } from '../core/pdu.js';
import { splitStateKey, stateKeyOf } from '../core/pdu.js';
import type { MemberInfo, Membership, RoomStateView, StateEntry } from './api.js';
import type { RoomCache } from './room-cache.js';

/** The state event at `(type, stateKey)`. */
export function stateEvent(room: RoomCache, type: string, stateKey = ''): Pdu | undefined {
  const id = room.state.get(stateKeyOf(type, stateKey));
  return id === undefined ? undefined : room.events.get(id);
}

/** A string field of a state event's content. */
export function stateText(
  room: RoomCache,
  type: string,
  field: string,
  stateKey = '',
): string | undefined {
  const value = stateEvent(room, type, stateKey)?.content[field];
  return typeof value === 'string' ? value : undefined;
}

/** `userId`'s membership, 'leave' when they have no member event. */
export function membershipOf(room: RoomCache, userId: string): Membership {
  const value = stateText(room, 'm.room.member', 'membership', userId);
  return isMembership(value) ? value : 'leave';
}

/** The display name `userId` has in the room, if any. */
export function displayNameOf(room: RoomCache, userId: string): string | undefined {
  return stateText(room, 'm.room.member', 'displayname', userId);
}

/** Every member event's user and membership, in user ID order. */
function memberEntries(room: RoomCache): [string, Pdu][] {
  const members: [string, Pdu][] = [];
  for (const [key, id] of room.state) {
    const [type, userId] = splitStateKey(key);
    const event = room.events.get(id);
    if (type === 'm.room.member' && event !== undefined) members.push([userId, event]);
  }
  return members.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** How many users are joined. */
export function joinedCount(room: RoomCache): number {
  let count = 0;
  for (const [, event] of memberEntries(room)) if (event.content.membership === 'join') count++;
  return count;
}

/** The users whose membership is `join`, in no particular order. */
export function joinedUsers(room: RoomCache): string[] {
  const joined: string[] = [];
  for (const [key, id] of room.state) {
    const [type, userId] = splitStateKey(key);
    if (type === 'm.room.member' && room.events.get(id)?.content.membership === 'join') {
      joined.push(userId);
    }
  }
  return joined;
}

/** The member list with each member's power level (null = a v12 creator's infinite power). */
export function memberList(room: RoomCache): MemberInfo[] {
  const powerLevels = stateEvent(room, 'm.room.power_levels');
  const create = stateEvent(room, 'm.room.create');
  return memberEntries(room).map(([userId, event]) => {
    const level = userPowerLevel(userId, powerLevels, create, room.rules);
    const membership = event.content.membership;
    const info: MemberInfo = {
      userId,
      membership: isMembership(membership) ? membership : 'leave',
      powerLevel: Number.isFinite(level) ? level : null,
    };
    const { displayname, avatar_url } = event.content;
    if (typeof displayname === 'string') info.displayName = displayname;
    if (typeof avatar_url === 'string') info.avatarUrl = avatar_url;
    return info;
  });
}

/** The room's current state for the UI. */
export function roomStateView(room: RoomCache): RoomStateView {
  const state: StateEntry[] = [];
  for (const [key, id] of room.state) {
    const event = room.events.get(id);
    if (event === undefined) continue;
    const [type, stateKey] = splitStateKey(key);
    state.push({ type, stateKey, eventId: id, sender: event.sender, content: event.content });
  }
  state.sort((a, b) => compare(a.type, b.type) || compare(a.stateKey, b.stateKey));
  const create = stateEvent(room, 'm.room.create');
  const powerLevels = stateEvent(room, 'm.room.power_levels')?.content;
  const view: RoomStateView = {
    roomId: room.record.roomId,
    roomVersion: room.record.roomVersion,
    joinRule: stateText(room, 'm.room.join_rules', 'join_rule') ?? 'invite',
    historyVisibility:
      stateText(room, 'm.room.history_visibility', 'history_visibility') ?? 'shared',
    powerLevels: isJsonObject(powerLevels) ? powerLevels : ({} as JsonObject),
    creators:
      room.rules.privilegedCreators && create !== undefined ? [...roomCreators(create)] : [],
    heads: [...room.record.heads],
    state,
  };
  const optional = {
    name: stateText(room, 'm.room.name', 'name'),
    topic: stateText(room, 'm.room.topic', 'topic'),
    avatarUrl: stateText(room, 'm.room.avatar', 'url'),
    canonicalAlias: stateText(room, 'm.room.canonical_alias', 'alias'),
  };
  for (const [field, value] of Object.entries(optional)) {
    if (value !== undefined) (view as unknown as Record<string, string>)[field] = value;
  }
  return view;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function isMembership(value: unknown): value is Membership {
  return (
    value === 'join' ||
    value === 'invite' ||
    value === 'leave' ||
    value === 'ban' ||
    value === 'knock'
  );
}
