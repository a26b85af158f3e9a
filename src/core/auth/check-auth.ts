import { isValidUserId } from '../identifiers.js';
import { isJsonObject } from '../json.js';
import type { Pdu } from '../pdu.js';
import { type RoomVersionRules, roomVersionRules } from '../room-versions.js';
import { ALLOW, type AuthResult, reject } from './auth-result.js';
import { AuthState } from './auth-state.js';
import { checkCreateEvent, checkFederation } from './create-event.js';
import { checkMemberEvent } from './membership.js';
import {
  checkPowerLevelsChange,
  inviteLevel,
  requiredPowerLevel,
  userPowerLevel,
  validatePowerLevelsContent,
} from './power-levels.js';
import { redactsOf } from './redaction.js';

export type { AuthResult } from './auth-result.js';

/**
 * The authorization rules of room versions 10, 11 and 12 (spec "Authorization
 * rules"), checking `event` against `authEvents`: the state the rules consult
 * (the create event, power levels, join rules, the members and third-party
 * invites the auth events selection names; in v12 the create event too, which
 * the room ID implies). Extra events are ignored.
 *
 * Synchronous and total: hostile or malformed input is rejected with a reason,
 * never thrown; only an unsupported `roomVersion` throws
 * (UnsupportedRoomVersionError).
 *
 * Not checked here, because they need event IDs or keys the caller has:
 * signatures (including the `join_authorised_via_users_server` server's,
 * rule 5.2), that `auth_events` cite exactly the selected, accepted events
 * (rule 3), and in v12 that the room ID hashes the create event (rule 2; the
 * caller finds the create event by the room ID).
 */
export function checkAuth(event: Pdu, authEvents: Iterable<Pdu>, roomVersion: string): AuthResult {
  const rules = roomVersionRules(roomVersion);
  try {
    return checkEvent(event, authEvents, rules);
  } catch (error) {
    // Defence in depth: a rule tripping over hostile input rejects the event.
    return reject(`malformed event: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function checkEvent(event: Pdu, authEvents: Iterable<Pdu>, rules: RoomVersionRules): AuthResult {
  const shape = checkShape(event, rules);
  if (!shape.allowed) return shape;
  if (event.type === 'm.room.create') return checkCreateEvent(event, rules);

  const state = AuthState.from(authEvents);
  if (typeof state === 'string') return reject(state);
  const create = state.create;
  if (create === undefined) return reject('no m.room.create event among the auth events');
  const room = checkSameRoom(event, state, create, rules);
  if (!room.allowed) return room;
  const federation = checkFederation(event, create);
  if (!federation.allowed) return federation;

  if (event.type === 'm.room.member') return checkMemberEvent(event, state, rules);

  if (state.membership(event.sender) !== 'join') return reject('sender is not joined');
  const senderLevel = userPowerLevel(event.sender, state.powerLevels, create, rules);
  if (event.type === 'm.room.third_party_invite') {
    return senderLevel >= inviteLevel(state.powerLevels, rules)
      ? ALLOW
      : reject('sender may not invite');
  }
  const isState = typeof event.state_key === 'string';
  if (requiredPowerLevel(event.type, isState, state.powerLevels, rules) > senderLevel) {
    return reject(`sender's power level is too low to send ${event.type}`);
  }
  if (event.state_key?.startsWith('@') && event.state_key !== event.sender) {
    return reject('state keys starting with @ are reserved for that user');
  }
  if (event.type === 'm.room.power_levels' && isState) {
    const valid = validatePowerLevelsContent(event.content, create, rules);
    if (!valid.allowed) return valid;
    const current = state.powerLevels;
    if (current === undefined || !isJsonObject(current.content)) return ALLOW;
    return checkPowerLevelsChange(current.content, event.content, event.sender, senderLevel, rules);
  }
  return ALLOW;
}

/** What must hold of any event before the rules can read it (a failed parse). */
function checkShape(event: Pdu, rules: RoomVersionRules): AuthResult {
  if (typeof event !== 'object' || event === null) return reject('event is not an object');
  if (typeof event.type !== 'string') return reject('event has no type');
  if (!isValidUserId(event.sender)) return reject('sender is not a valid user ID');
  if (!isJsonObject(event.content)) return reject('content is not an object');
  if (event.state_key !== undefined && typeof event.state_key !== 'string') {
    return reject('state_key is not a string');
  }
  if (event.type === 'm.room.redaction' && redactsOf(event, rules) === undefined) {
    return reject('m.room.redaction without a valid redacts event ID');
  }
  return ALLOW;
}

/**
 * The event and its auth events belong to one room: every auth event with a
 * `room_id` has the event's. In v12 the create event has none; its link to
 * the room ID is its hash, which the caller used to find it.
 */
function checkSameRoom(
  event: Pdu,
  state: AuthState,
  create: Pdu,
  rules: RoomVersionRules,
): AuthResult {
  const roomId = event.room_id;
  if (typeof roomId !== 'string' || !roomId.startsWith('!')) return reject('event has no room_id');
  if (rules.roomIdIsCreateEventHash) {
    if (create.room_id !== undefined) return reject('v12 create event must not have a room_id');
    // Where the create event carries its ID (test fixtures), the room ID must name it.
    if (typeof create.event_id === 'string' && create.event_id !== `$${roomId.slice(1)}`) {
      return reject('room_id does not name the create event');
    }
  } else if (create.room_id !== roomId) {
    return reject('create event is from another room');
  }
  for (const authEvent of state.events()) {
    if (authEvent.room_id !== undefined && authEvent.room_id !== roomId) {
      return reject(`auth event ${authEvent.type} is from another room`);
    }
  }
  return ALLOW;
}
