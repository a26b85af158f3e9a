/**
 * The state that lets a user who is not in a room tell what it is: the
 * spec's recommended set (create, name, avatar, topic, join rules, canonical
 * alias, encryption), plus the inviter's own member event in an invite.
 * Since Matrix 1.16 these travel between servers as full PDUs
 * (`invite_room_state`, `knock_room_state`) and must include the create
 * event; what we keep and show is their stripped form (client-server API,
 * "Stripped state"): `type`, `state_key`, `sender`, `content`.
 */
import { MatrixError } from '../../core/errors.js';
import type { EventId, UserId } from '../../core/ids.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import { type Pdu, stateKeyOf } from '../../core/pdu.js';
import type { WorkingState } from '../working-state.js';

/** One stripped state event. */
export interface StrippedStateEvent {
  type: string;
  state_key: string;
  sender: string;
  content: JsonObject;
}

/** The state types the spec recommends sharing with invitees and knockers, in the order we send them. */
export const STRIPPED_STATE_TYPES = [
  'm.room.create',
  'm.room.join_rules',
  'm.room.name',
  'm.room.topic',
  'm.room.avatar',
  'm.room.canonical_alias',
  'm.room.encryption',
] as const;

/** At most this many events are read from a received list (ours has at most 8). */
export const MAX_STRIPPED_STATE = 50;

/**
 * The recommended state events of `state` as full PDUs (what goes over
 * federation), plus `member`'s own member event when given; `serve` gives
 * each event's served form (redacted events go out redacted).
 */
export function sharedRoomState(
  state: WorkingState,
  member: UserId | undefined,
  serve: (eventId: EventId, pdu: Pdu) => Pdu = (_id, pdu) => pdu,
): Pdu[] {
  const keys: [string, string][] = STRIPPED_STATE_TYPES.map((type) => [type, '']);
  if (member !== undefined) keys.push(['m.room.member', member]);
  return keys.flatMap(([type, key]) => {
    const id = state.idAt(stateKeyOf(type, key));
    const pdu = id === undefined ? undefined : state.event(id);
    return id === undefined || pdu === undefined ? [] : [serve(id, pdu)];
  });
}

/** The stripped form of a state event (undefined if it is not one). */
export function stripEvent(event: unknown): StrippedStateEvent | undefined {
  if (
    !isJsonObject(event) ||
    typeof event.type !== 'string' ||
    typeof event.state_key !== 'string' ||
    typeof event.sender !== 'string' ||
    !isJsonObject(event.content)
  ) {
    return undefined;
  }
  return {
    type: event.type,
    state_key: event.state_key,
    sender: event.sender,
    content: event.content,
  };
}

/**
 * A received list read leniently (absent → []): each entry, full PDU or
 * already stripped, reduced to its stripped form; entries that are not
 * state events are left out. Not a list, or more than MAX_STRIPPED_STATE
 * entries → M_BAD_JSON. For what we only show (room versions before 12's
 * checks, knock answers); see invite-room-state.ts for the strict reading.
 */
export function readStrippedState(raw: unknown): StrippedStateEvent[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new MatrixError('M_BAD_JSON', 'The room state must be a list');
  if (raw.length > MAX_STRIPPED_STATE) {
    throw new MatrixError(
      'M_BAD_JSON',
      `The room state has more than ${MAX_STRIPPED_STATE} events`,
    );
  }
  return raw.flatMap((item) => {
    const stripped = stripEvent(item);
    return stripped === undefined ? [] : [stripped];
  });
}

/** The content of the stripped event at (type, state key), if any. */
export function strippedContent(
  state: readonly StrippedStateEvent[],
  type: string,
  stateKey = '',
): JsonObject | undefined {
  return state.find((e) => e.type === type && e.state_key === stateKey)?.content;
}
