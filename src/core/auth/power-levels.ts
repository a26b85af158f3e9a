import { isValidUserId } from '../identifiers.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../json.js';
import type { Pdu } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { ALLOW, type AuthResult, reject } from './auth-result.js';
import { isPrivilegedCreator, roomCreator, roomCreators } from './create-event.js';

/**
 * Power levels as the authorization rules read them (client-server spec,
 * `m.room.power_levels`, defaults included) and rule 10, which limits how a
 * power levels event may change the previous one.
 */

/** The top-level levels that rule 10.1 and 10.6 cover, with their defaults when a power levels event exists. */
const LEVEL_KEYS = {
  users_default: 0,
  events_default: 0,
  state_default: 50,
  ban: 50,
  kick: 50,
  invite: 0,
  redact: 50,
} as const;

/** One of the named levels of a power levels event. */
export type LevelKey = keyof typeof LEVEL_KEYS;

/** Rule 10.2: the maps whose values are levels keyed by event type or notification kind. */
const MAP_KEYS = ['events', 'notifications'] as const;

/**
 * A JSON value as a power level: an integer in canonical JSON's range. Before
 * v10 a string holding an integer also counted; from v10 (the only versions
 * implemented) strings are refused.
 */
export function toPowerLevel(
  value: JsonValue | undefined,
  rules: RoomVersionRules,
): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (!rules.integerPowerLevels && typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    const parsed = Number.parseInt(value, 10);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

function contentOf(event: Pdu | undefined): JsonObject | undefined {
  return event !== undefined && isJsonObject(event.content) ? event.content : undefined;
}

/**
 * `userId`'s power level. v12 creators (create sender and
 * `additional_creators`) have infinite power whatever the power levels say.
 * Otherwise `users[userId]`, else `users_default`, else 0; with no power levels
 * event at all, the creator has 100 and everyone else 0. A value that is not a
 * valid level counts as absent: rule 10 keeps such events out of the state.
 */
export function userPowerLevel(
  userId: string,
  powerLevels: Pdu | undefined,
  create: Pdu | undefined,
  rules: RoomVersionRules,
): number {
  if (isPrivilegedCreator(userId, create, rules)) return Number.POSITIVE_INFINITY;
  const content = contentOf(powerLevels);
  if (content === undefined) {
    return create !== undefined && roomCreator(create, rules) === userId ? 100 : 0;
  }
  const users = content.users;
  if (isJsonObject(users) && Object.hasOwn(users, userId)) {
    const level = toPowerLevel(users[userId], rules);
    if (level !== undefined) return level;
  }
  return toPowerLevel(content.users_default, rules) ?? 0;
}

/**
 * A named level (`ban`, `kick`, `invite`, `redact`, `state_default`, ...),
 * with the spec's defaults. Without a power levels event `state_default` is 0,
 * not 50, so that anyone may set state in a room that has no power levels yet.
 */
export function namedPowerLevel(
  powerLevels: Pdu | undefined,
  key: LevelKey,
  rules: RoomVersionRules,
): number {
  const content = contentOf(powerLevels);
  if (content === undefined) return key === 'state_default' ? 0 : LEVEL_KEYS[key];
  return toPowerLevel(content[key], rules) ?? LEVEL_KEYS[key];
}

/** The level needed to ban. */
export function banLevel(powerLevels: Pdu | undefined, rules: RoomVersionRules): number {
  return namedPowerLevel(powerLevels, 'ban', rules);
}

/** The level needed to kick. */
export function kickLevel(powerLevels: Pdu | undefined, rules: RoomVersionRules): number {
  return namedPowerLevel(powerLevels, 'kick', rules);
}

/** The level needed to invite (and to send `m.room.third_party_invite`). */
export function inviteLevel(powerLevels: Pdu | undefined, rules: RoomVersionRules): number {
  return namedPowerLevel(powerLevels, 'invite', rules);
}

/**
 * The level needed to redact others' events. Not used by the authorization
 * rules themselves (v3+): see redaction.ts.
 */
export function redactLevel(powerLevels: Pdu | undefined, rules: RoomVersionRules): number {
  return namedPowerLevel(powerLevels, 'redact', rules);
}

/**
 * An event type's "required power level": `events[type]`, else
 * `state_default` for a state event and `events_default` for another event.
 */
export function requiredPowerLevel(
  eventType: string,
  isState: boolean,
  powerLevels: Pdu | undefined,
  rules: RoomVersionRules,
): number {
  const events = contentOf(powerLevels)?.events;
  if (isJsonObject(events) && Object.hasOwn(events, eventType)) {
    const level = toPowerLevel(events[eventType], rules);
    if (level !== undefined) return level;
  }
  return namedPowerLevel(powerLevels, isState ? 'state_default' : 'events_default', rules);
}

/**
 * Rules 10.1–10.4: the shape of a new power levels event's content. Named
 * levels and `events`/`notifications` values must be integers, `users` keys
 * valid user IDs with integer values, and (v12) `users` must not name a creator.
 */
export function validatePowerLevelsContent(
  content: JsonObject,
  create: Pdu | undefined,
  rules: RoomVersionRules,
): AuthResult {
  for (const key of Object.keys(LEVEL_KEYS)) {
    const value = content[key];
    if (value !== undefined && toPowerLevel(value, rules) === undefined) {
      return reject(`power levels: ${key} is not an integer`);
    }
  }
  for (const key of MAP_KEYS) {
    const map = content[key];
    if (map === undefined) continue;
    if (!isJsonObject(map)) return reject(`power levels: ${key} is not an object`);
    for (const [name, value] of Object.entries(map)) {
      if (toPowerLevel(value, rules) === undefined) {
        return reject(`power levels: ${key}[${name}] is not an integer`);
      }
    }
  }
  const users = content.users;
  if (users !== undefined) {
    if (!isJsonObject(users)) return reject('power levels: users is not an object');
    for (const [userId, value] of Object.entries(users)) {
      if (!isValidUserId(userId)) return reject(`power levels: ${userId} is not a user ID`);
      if (toPowerLevel(value, rules) === undefined) {
        return reject(`power levels: users[${userId}] is not an integer`);
      }
    }
    if (rules.privilegedCreators && create !== undefined) {
      for (const creator of roomCreators(create)) {
        if (Object.hasOwn(users, creator)) {
          return reject(`power levels: room creator ${creator} must not be listed in users`);
        }
      }
    }
  }
  return ALLOW;
}

/** The integer levels of a validated map (events, notifications, users); absent or invalid → empty. */
function levelMap(value: JsonValue | undefined, rules: RoomVersionRules): Map<string, number> {
  const levels = new Map<string, number>();
  if (!isJsonObject(value)) return levels;
  for (const [key, raw] of Object.entries(value)) {
    const level = toPowerLevel(raw, rules);
    if (level !== undefined) levels.set(key, level);
  }
  return levels;
}

/**
 * Rules 10.6–10.10: what a sender at `senderLevel` may change between the
 * current power levels content and the new one. Values are compared as they
 * appear (present or absent), not with defaults filled in: adding, changing or
 * removing an entry is an alteration, and the spec bounds the old and new
 * values that exist.
 */
export function checkPowerLevelsChange(
  current: JsonObject,
  next: JsonObject,
  sender: string,
  senderLevel: number,
  rules: RoomVersionRules,
): AuthResult {
  for (const key of Object.keys(LEVEL_KEYS)) {
    const before = toPowerLevel(current[key], rules);
    const after = toPowerLevel(next[key], rules);
    if (before === after) continue;
    if (before !== undefined && before > senderLevel) {
      return reject(`power levels: cannot change ${key} from a level above your own`);
    }
    if (after !== undefined && after > senderLevel) {
      return reject(`power levels: cannot set ${key} above your own level`);
    }
  }
  for (const key of MAP_KEYS) {
    const before = levelMap(current[key], rules);
    const after = levelMap(next[key], rules);
    for (const [name, old] of before) {
      if (after.get(name) !== old && old > senderLevel) {
        return reject(`power levels: cannot change ${key}[${name}] from a level above your own`);
      }
    }
    for (const [name, level] of after) {
      if (before.get(name) !== level && level > senderLevel) {
        return reject(`power levels: cannot set ${key}[${name}] above your own level`);
      }
    }
  }
  const before = levelMap(current.users, rules);
  const after = levelMap(next.users, rules);
  for (const [userId, old] of before) {
    if (userId === sender || after.get(userId) === old) continue;
    if (old >= senderLevel) {
      return reject(`power levels: cannot change the level of ${userId}, not below your own`);
    }
  }
  for (const [userId, level] of after) {
    if (before.get(userId) !== level && level > senderLevel) {
      return reject(`power levels: cannot give ${userId} a level above your own`);
    }
  }
  return ALLOW;
}
