import { serverNameOf as domainOf, isValidUserId } from '../identifiers.js';
import { isJsonObject } from '../json.js';
import type { Pdu } from '../pdu.js';
import { isSupportedRoomVersion, type RoomVersionRules } from '../room-versions.js';
import { ALLOW, type AuthResult, reject } from './auth-result.js';

/**
 * The `m.room.create` rules (rule 1) and what other rules read from the create
 * event: who the creators are and whether the room federates.
 */

/**
 * The user the v10/v11 rules call "the creator": `content.creator` before v11,
 * the create event's sender from v11 (the `creator` key is gone there).
 */
export function roomCreator(create: Pdu, rules: RoomVersionRules): string | undefined {
  if (rules.roomCreateSenderIsCreator) return create.sender;
  const creator = isJsonObject(create.content) ? create.content.creator : undefined;
  return typeof creator === 'string' ? creator : undefined;
}

/**
 * v12 "room creators": the create sender plus `content.additional_creators`.
 * Entries that are not valid user IDs are skipped: a create event holding one
 * is rejected by rule 1.4, so it never reaches the room state.
 */
export function roomCreators(create: Pdu): Set<string> {
  const creators = new Set<string>([create.sender]);
  const additional = isJsonObject(create.content) ? create.content.additional_creators : undefined;
  if (Array.isArray(additional)) {
    for (const user of additional) if (isValidUserId(user)) creators.add(user);
  }
  return creators;
}

/** True when `userId` has the creators' infinite power (v12 only). */
export function isPrivilegedCreator(
  userId: string,
  create: Pdu | undefined,
  rules: RoomVersionRules,
): boolean {
  if (!rules.privilegedCreators || create === undefined) return false;
  // roomCreators(create).has(userId), without building the set: asked for every event checked.
  if (create.sender === userId) return true;
  const additional = isJsonObject(create.content) ? create.content.additional_creators : undefined;
  if (!Array.isArray(additional)) return false;
  for (const user of additional) if (user === userId && isValidUserId(user)) return true;
  return false;
}

/** Rule 1: an `m.room.create` event, checked on its own (it has no auth events). */
export function checkCreateEvent(event: Pdu, rules: RoomVersionRules): AuthResult {
  if (event.state_key !== '') return reject('m.room.create must have an empty state_key');
  if (Array.isArray(event.prev_events) ? event.prev_events.length > 0 : event.prev_events != null) {
    return reject('m.room.create must not have prev_events');
  }
  if (rules.roomIdIsCreateEventHash) {
    // v12: the room ID is derived from this event's hash, so it cannot be inside it.
    if (event.room_id !== undefined) return reject('m.room.create must not have a room_id');
  } else {
    const roomDomain = typeof event.room_id === 'string' ? domainOf(event.room_id) : undefined;
    if (
      typeof event.room_id !== 'string' ||
      !event.room_id.startsWith('!') ||
      roomDomain === undefined ||
      roomDomain !== domainOf(event.sender)
    ) {
      return reject('room_id domain does not match the sender domain');
    }
  }
  const version = event.content.room_version;
  if (version !== undefined && !isSupportedRoomVersion(version)) {
    return reject('m.room.create names an unrecognised room version');
  }
  if (!rules.roomCreateSenderIsCreator && event.content.creator === undefined) {
    return reject('m.room.create has no creator');
  }
  if (rules.privilegedCreators && event.content.additional_creators !== undefined) {
    const additional = event.content.additional_creators;
    if (!Array.isArray(additional) || !additional.every(isValidUserId)) {
      return reject('additional_creators must be an array of valid user IDs');
    }
  }
  return ALLOW;
}

/**
 * Rule "m.federate": when the create event says `m.federate: false`, only users
 * of the create sender's server may send events.
 */
export function checkFederation(event: Pdu, create: Pdu): AuthResult {
  if (
    create.content['m.federate'] === false &&
    domainOf(event.sender) !== domainOf(create.sender)
  ) {
    return reject('room does not federate and the sender is from another server');
  }
  return ALLOW;
}
