/**
 * The invite route's checks on the event itself and on our side of the room
 * (invite-route.ts): the event must be an invite PDU of the path's room under
 * the path's event ID, and an invite into a room we hold where our user is
 * already joined or banned is refused.
 */
import { MatrixError } from '../../core/errors.js';
import { eventIdFor } from '../../core/event-hashes.js';
import { isValidUserId } from '../../core/identifiers.js';
import type { EventId, RoomId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { Pdu } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import { validatePdu } from '../../core/validate-pdu.js';
import { RoomReadsForFederation } from '../../node/room-reads-for-federation.js';
import type { Store } from '../../store/store.js';

/** The body's event as an invite PDU of the path's room with the path's event ID. */
export function readInvite(
  event: JsonObject,
  rules: RoomVersionRules,
  roomId: string,
  eventId: EventId,
): Pdu {
  let pdu: Pdu;
  try {
    pdu = validatePdu(event, rules);
  } catch (cause) {
    throw new MatrixError('M_BAD_JSON', `Not a valid event: ${(cause as Error).message}`);
  }
  if (pdu.room_id !== roomId)
    throw new MatrixError('M_INVALID_PARAM', `The event is not in ${roomId}`);
  if (
    pdu.type !== 'm.room.member' ||
    pdu.content.membership !== 'invite' ||
    !isValidUserId(pdu.state_key)
  ) {
    throw new MatrixError('M_INVALID_PARAM', 'The event is not an m.room.member invite of a user');
  }
  if (eventIdFor(pdu, rules) !== eventId) {
    throw new MatrixError('M_INVALID_PARAM', `The event's ID is not ${eventId}`);
  }
  return pdu;
}

/**
 * 403 when we hold the room and our user is joined or banned there: the
 * room's auth rules refuse such an invite, and a record of it would outlive
 * the membership it contradicts.
 */
export async function refuseIfSettled(
  store: Store,
  roomId: string,
  invitee: string,
): Promise<void> {
  const reads = new RoomReadsForFederation(store, roomId as RoomId);
  const room = await reads.room();
  if (room === undefined) return;
  const membership = (await reads.currentStateContent(room, 'm.room.member', invitee))?.membership;
  if (membership === 'join' || membership === 'ban') {
    throw new MatrixError(
      'M_FORBIDDEN',
      `${invitee} is already ${membership === 'join' ? 'joined to' : 'banned from'} ${roomId}`,
    );
  }
}
