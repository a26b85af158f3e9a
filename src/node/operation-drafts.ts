/**
 * The drafts behind the room operations of NodeApi: membership changes, power
 * levels, redactions, edits. Each checks what only the node can know (is that
 * user banned? is that message yours?) and leaves the rest to the auth rules.
 */
import { redactionMayApply } from '../core/auth/redaction.js';
import { InvalidInputError, MatrixError } from '../core/errors.js';
import { isValidEventId } from '../core/identifiers.js';
import type { EventId, UserId } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import type { Pdu } from '../core/pdu.js';
import type { EventRecord } from '../store/records.js';
import type { LocalDraft } from './build-local-event.js';
import type { RoomCache } from './room-cache.js';
import { membershipOf, stateEvent } from './room-views.js';
import { isEdit } from './timeline-view.js';
import { checkPowerLevel, checkUserId, reasonContent } from './validate-input.js';

/** The membership operations on another user. */
export type MembershipAction = 'invite' | 'kick' | 'ban' | 'unban';

/** The member event for `action` on `target`. */
export function membershipDraft(
  room: RoomCache,
  action: MembershipAction,
  target: string,
  reason: string | undefined,
  self: UserId,
): LocalDraft {
  const userId = checkUserId(target);
  const current = membershipOf(room, userId);
  if (action !== 'invite' && userId === self) {
    throw new InvalidInputError(`You cannot ${action} yourself; leave the room instead`);
  }
  if (action === 'kick' && current !== 'join' && current !== 'invite' && current !== 'knock') {
    throw new InvalidInputError(`${userId} is not in the room`);
  }
  if (action === 'unban' && current !== 'ban') {
    throw new InvalidInputError(`${userId} is not banned`);
  }
  const membership = { invite: 'invite', kick: 'leave', ban: 'ban', unban: 'leave' }[action];
  return {
    type: 'm.room.member',
    stateKey: userId,
    content: { membership, ...reasonContent(reason) },
  };
}

/** The power levels event that sets `userId` to `level`, everything else kept. */
export function powerLevelDraft(room: RoomCache, target: string, level: number): LocalDraft {
  const userId = checkUserId(target);
  checkPowerLevel(level);
  const current = stateEvent(room, 'm.room.power_levels')?.content ?? {};
  const users = { ...((current.users as JsonObject | undefined) ?? {}) };
  users[userId] = level;
  return { type: 'm.room.power_levels', stateKey: '', content: { ...current, users } };
}

/** A redaction of `target` (an event of this room, found by the caller, or undefined). */
export function redactionDraft(
  room: RoomCache,
  eventId: string,
  target: EventRecord | undefined,
  reason: string | undefined,
  self: UserId,
): LocalDraft {
  if (!isValidEventId(eventId) || target === undefined || target.roomId !== room.record.roomId) {
    throw new MatrixError('M_NOT_FOUND', `There is no event ${eventId} in this room`);
  }
  const redaction = { sender: self } as unknown as Pdu;
  const powerLevels = stateEvent(room, 'm.room.power_levels');
  const create = stateEvent(room, 'm.room.create');
  // The auth rules let anyone send a redaction (v3+); whether it applies is this
  // rule ("Handling redactions"), so refuse here rather than store a dud.
  if (!redactionMayApply(redaction, target.pdu, powerLevels, create, room.rules)) {
    throw new MatrixError(
      'M_FORBIDDEN',
      "Not allowed: your power level is too low to remove other people's events",
    );
  }
  const content = reasonContent(reason);
  if (room.rules.redactsInContent) content.redacts = eventId;
  return { type: 'm.room.redaction', content, redacts: eventId as EventId };
}

/** An `m.replace` edit of `target`, which must be one of `self`'s own messages. */
export function editDraft(
  room: RoomCache,
  eventId: string,
  target: EventRecord | undefined,
  newContent: JsonObject,
  self: UserId,
): LocalDraft {
  if (!isValidEventId(eventId) || target === undefined || target.roomId !== room.record.roomId) {
    throw new MatrixError('M_NOT_FOUND', `There is no message ${eventId} in this room`);
  }
  if (target.pdu.type !== 'm.room.message' || target.pdu.state_key !== undefined) {
    throw new InvalidInputError('Only messages can be edited');
  }
  if (target.pdu.sender !== self) {
    throw new MatrixError('M_FORBIDDEN', 'You can only edit your own messages');
  }
  if (isEdit(target.pdu)) throw new InvalidInputError('Edit the original message, not an edit');
  if (target.redactedBy !== undefined) {
    throw new InvalidInputError('That message was deleted and cannot be edited');
  }
  const content: JsonObject = {
    ...newContent,
    body: `* ${newContent.body as string}`,
    'm.new_content': newContent,
    'm.relates_to': { rel_type: 'm.replace', event_id: eventId },
  };
  if (typeof newContent.formatted_body === 'string') {
    content.formatted_body = `* ${newContent.formatted_body}`;
  }
  return { type: 'm.room.message', content };
}
