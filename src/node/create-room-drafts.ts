/**
 * The events that make a new room, in the order the client-server API's
 * createRoom sends them: create, the creator's join, power levels, the
 * canonical alias, the preset's join rules / history visibility / guest
 * access, name, topic, then invites. They go through one batch, so the room
 * exists completely or not at all.
 */
import { InvalidInputError } from '../core/errors.js';
import type { UserId } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import {
  DEFAULT_ROOM_VERSION,
  isSupportedRoomVersion,
  type RoomVersionRules,
  roomVersionRules,
} from '../core/room-versions.js';
import type { CreateRoomOptions, RoomPreset } from './api.js';
import type { LocalDraft } from './build-local-event.js';
import {
  checkLocalAlias,
  checkName,
  checkOneOf,
  checkText,
  checkUserId,
} from './validate-input.js';

const presets: readonly RoomPreset[] = ['private_chat', 'public_chat', 'trusted_private_chat'];

/** A checked createRoom request. */
export interface RoomPlan {
  rules: RoomVersionRules;
  drafts: LocalDraft[];
  /** The canonical alias to record in the aliases store, if any. */
  alias?: string;
}

/** The local user's member content: their profile rides along, as the spec suggests. */
export function memberContent(
  membership: string,
  profile: { displayName?: string; avatarUrl?: string },
): JsonObject {
  const content: JsonObject = { membership };
  if (profile.displayName !== undefined) content.displayname = profile.displayName;
  if (profile.avatarUrl !== undefined) content.avatar_url = profile.avatarUrl;
  return content;
}

/** Validates `options` and lists the room's initial events; InvalidInputError on bad input. */
export function planRoom(
  options: CreateRoomOptions,
  creator: UserId,
  serverName: string,
  profile: { displayName?: string; avatarUrl?: string },
): RoomPlan {
  const preset = checkOneOf(options.preset ?? 'private_chat', presets, 'room preset');
  const version = options.roomVersion ?? DEFAULT_ROOM_VERSION;
  if (!isSupportedRoomVersion(version)) {
    throw new InvalidInputError(`Room version "${String(version)}" is not supported (10, 11, 12)`);
  }
  const rules = roomVersionRules(version);
  const name = options.name === undefined ? undefined : checkName(options.name);
  const topic = options.topic === undefined ? undefined : checkText(options.topic, 'topic');
  const alias =
    options.alias === undefined ? undefined : checkLocalAlias(options.alias, serverName);
  const invitees = [...new Set((options.invite ?? []).map(checkUserId))].filter(
    (user) => user !== creator,
  );

  const createContent: JsonObject = { room_version: version };
  if (!rules.roomCreateSenderIsCreator) createContent.creator = creator;
  const drafts: LocalDraft[] = [
    { type: 'm.room.create', stateKey: '', content: createContent },
    { type: 'm.room.member', stateKey: creator, content: memberContent('join', profile) },
    {
      type: 'm.room.power_levels',
      stateKey: '',
      content: powerLevels(preset, rules, creator, invitees),
    },
  ];
  const state = (type: string, content: JsonObject) => drafts.push({ type, stateKey: '', content });
  if (alias !== undefined) state('m.room.canonical_alias', { alias });
  state('m.room.join_rules', { join_rule: preset === 'public_chat' ? 'public' : 'invite' });
  state('m.room.history_visibility', { history_visibility: 'shared' });
  if (preset !== 'public_chat') state('m.room.guest_access', { guest_access: 'can_join' });
  if (name !== undefined) state('m.room.name', { name });
  if (topic !== undefined) state('m.room.topic', { topic });
  for (const invitee of invitees) {
    drafts.push({ type: 'm.room.member', stateKey: invitee, content: { membership: 'invite' } });
  }
  return alias === undefined ? { rules, drafts } : { rules, drafts, alias };
}

/**
 * The spec's default power levels. In version 12 the creator has infinite
 * power and must not be listed in `users`; trusted_private_chat gives the
 * invitees 100 (in v12 they could be additional creators instead: kept simple).
 */
function powerLevels(
  preset: RoomPreset,
  rules: RoomVersionRules,
  creator: UserId,
  invitees: UserId[],
): JsonObject {
  const users: JsonObject = {};
  if (!rules.privilegedCreators) users[creator] = 100;
  if (preset === 'trusted_private_chat') for (const invitee of invitees) users[invitee] = 100;
  return {
    users,
    users_default: 0,
    events: {
      'm.room.name': 50,
      'm.room.power_levels': 100,
      'm.room.history_visibility': 100,
      'm.room.canonical_alias': 50,
      'm.room.avatar': 50,
      'm.room.tombstone': 100,
      'm.room.server_acl': 100,
      'm.room.encryption': 100,
    },
    events_default: 0,
    state_default: 50,
    ban: 50,
    kick: 50,
    redact: 50,
    invite: preset === 'public_chat' ? 50 : 0,
    notifications: { room: 50 },
  };
}
