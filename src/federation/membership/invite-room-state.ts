/**
 * Reading a received `invite_room_state` (server-server API v2 invite, as of
 * Matrix 1.16). The entries must be full PDUs of the room's version and
 * include its `m.room.create` event; the spec has servers check them — each
 * formatted for the room version, signed by its sender's server, of the
 * invite's room (a version 12 create event by the hash its room ID names) —
 * and answer 400 M_INVALID_PARAM otherwise. It says servers SHOULD do so
 * from room version 12 on and only MAY before, where they should warn
 * rather than refuse while the ecosystem migrates: older senders still
 * send stripped events. So room versions whose room ID names the create
 * event (12) are checked strictly; earlier ones are read leniently (each
 * entry reduced to its stripped form, anything else left out).
 *
 * Either way what we keep is the stripped form: it is shown to our user,
 * never used for auth.
 */
import { MatrixError } from '../../core/errors.js';
import { roomIdForCreate } from '../../core/event-hashes.js';
import { type KeyLookup, verifyEvent } from '../../core/event-signing.js';
import type { Pdu } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import { validatePdu } from '../../core/validate-pdu.js';
import {
  MAX_STRIPPED_STATE,
  readStrippedState,
  type StrippedStateEvent,
  stripEvent,
} from '../../node/membership/stripped-state.js';

/** The stripped state of a received `invite_room_state`; MatrixError when it must be refused. */
export async function readInviteRoomState(
  raw: unknown,
  rules: RoomVersionRules,
  roomId: string,
  keyLookup: KeyLookup,
): Promise<StrippedStateEvent[]> {
  if (!rules.createEventImpliedByRoomId) return readStrippedState(raw);
  const invalid = (what: string) => new MatrixError('M_INVALID_PARAM', `invite_room_state ${what}`);
  if (!Array.isArray(raw)) throw invalid('must be a list of the room`s state events');
  if (raw.length > MAX_STRIPPED_STATE) throw invalid(`has more than ${MAX_STRIPPED_STATE} events`);
  const checked = await Promise.all(
    raw.map(async (entry, i) => {
      let pdu: Pdu;
      try {
        pdu = validatePdu(entry, rules);
      } catch (cause) {
        throw invalid(
          `[${i}] is not an event of room version ${rules.id}: ${(cause as Error).message}`,
        );
      }
      const inRoom =
        pdu.room_id === undefined && pdu.type === 'm.room.create'
          ? roomIdForCreate(pdu, rules) === roomId
          : pdu.room_id === roomId;
      if (!inRoom) throw invalid(`[${i}] is not an event of ${roomId}`);
      const verified = await verifyEvent(pdu, rules, keyLookup);
      if (verified.status === 'rejected')
        throw invalid(`[${i}] does not verify: ${verified.reason}`);
      const stripped = stripEvent(verified.pdu);
      if (stripped === undefined) throw invalid(`[${i}] is not a state event`);
      return stripped;
    }),
  );
  if (!checked.some((e) => e.type === 'm.room.create' && e.state_key === '')) {
    throw invalid('has no m.room.create event');
  }
  return checked;
}
