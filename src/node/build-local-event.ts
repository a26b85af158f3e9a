/**
 * Building one event the local user sends: the fields the server fills in
 * (prev_events, depth, auth_events, origin_server_ts), the content hash and the
 * event ID, and the authorization check against the state before it. Signing
 * is left to the batch (sign-batch.ts): the event ID is the reference hash of
 * the redacted event *without* signatures, so it is known before signing, and
 * a whole batch can then be signed at once instead of one signature at a time.
 */

import { authEventTypes } from '../core/auth/auth-event-selection.js';
import { checkAuth } from '../core/auth/check-auth.js';
import { MatrixError } from '../core/errors.js';
import { eventIdFor, roomIdForCreate, withContentHash } from '../core/event-hashes.js';
import type { EventId, RoomId, UserId } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import type { Pdu, UnsignedPdu } from '../core/pdu.js';
import type { RoomVersionRules } from '../core/room-versions.js';
import { describeRefusal } from './refusal-words.js';
import type { WorkingState } from './working-state.js';

/** The spec's largest depth (and largest canonical JSON integer), 2^53 − 1. */
export const MAX_DEPTH = Number.MAX_SAFE_INTEGER;

/** What an operation asks to send: the parts the user chooses. */
export interface LocalDraft {
  type: string;
  /** Present for a state event (may be ''). */
  stateKey?: string;
  content: JsonObject;
  /** For m.room.redaction: the event redacted (placed by the room version's rules). */
  redacts?: EventId;
}

/** Where the next event goes. */
export interface EventPosition {
  /** Undefined only for a version 12 create event: its hash becomes the room ID. */
  roomId: RoomId | undefined;
  rules: RoomVersionRules;
  /** The forward extremities: the new event's prev_events. */
  prevEvents: EventId[];
  /** Greatest depth among prevEvents (0 for none). */
  prevDepth: number;
}

/** A built, authorised, not yet signed event. */
export interface BuiltEvent {
  eventId: EventId;
  roomId: RoomId;
  /** Hashed, unsigned. */
  pdu: Pdu;
  depth: number;
}

/**
 * Builds `draft` at `position` on top of `state`, checks it against the auth
 * rules, and returns it with its event ID. A refusal throws MatrixError
 * M_FORBIDDEN with the reason in words; nothing is changed.
 */
export function buildLocalEvent(
  draft: LocalDraft,
  position: EventPosition,
  state: WorkingState,
  sender: UserId,
  now: number,
): BuiltEvent {
  const { rules } = position;
  const stateKey = draft.stateKey;
  const selected = authEventTypes(draft.type, stateKey ?? '', sender, draft.content, rules);
  const authEvents: Pdu[] = [];
  const authIds: EventId[] = [];
  for (const [type, key] of selected) {
    const id = state.idAt(`${type}\u0000${key}`);
    const event = id === undefined ? undefined : state.event(id);
    if (id === undefined || event === undefined) continue;
    authIds.push(id);
    authEvents.push(event);
  }
  // v12 leaves the create event out of auth_events (the room ID names it), but
  // the rules still read it, so it goes to checkAuth all the same.
  const create = state.get('m.room.create', '');
  if (rules.createEventImpliedByRoomId && create !== undefined) authEvents.push(create);

  const depth = Math.min(position.prevDepth + 1, MAX_DEPTH);
  const unsigned: UnsignedPdu = {
    auth_events: authIds,
    content: draft.content,
    depth,
    origin_server_ts: Math.floor(now),
    prev_events: position.prevEvents,
    sender,
    type: draft.type,
  };
  if (position.roomId !== undefined) unsigned.room_id = position.roomId;
  if (stateKey !== undefined) unsigned.state_key = stateKey;
  if (draft.redacts !== undefined && !rules.redactsInContent) unsigned.redacts = draft.redacts;
  const pdu = withContentHash(unsigned) as Pdu;

  let roomId = position.roomId;
  if (roomId === undefined) {
    if (draft.type !== 'm.room.create') throw new Error('Only a create event has no room ID yet');
    roomId = roomIdForCreate(pdu, rules);
  }
  const verdict = checkAuth(pdu, authEvents, rules.id);
  if (!verdict.allowed) throw new MatrixError('M_FORBIDDEN', describeRefusal(verdict.reason));
  return { eventId: eventIdFor(pdu, rules), roomId, pdu, depth };
}
