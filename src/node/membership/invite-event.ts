/**
 * Our invite of a user on another server, built and signed but NOT stored:
 * the spec has the invitee's server sign an invite for its user before it is
 * sent into the room ("Inviting to a room"), so the node stores it only once
 * the invitee's server answered (src/federation/membership/send-invite.ts).
 * Built on the room's current heads and state and authorised there, like any
 * local event; with the room state the invitee's server is given so its
 * user can tell what they are invited to (stripped-state.ts).
 */
import { MatrixError } from '../../core/errors.js';
import { signHashedEvent } from '../../core/event-signing.js';
import { isValidUserId } from '../../core/identifiers.js';
import type { EventId, UserId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { Pdu } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import type { IdentityRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { userIdOf } from '../identity.js';
import { reasonContent } from '../validate-input.js';
import { buildMemberEvent, readRoomSnapshot, sharedStateOf } from './room-snapshot.js';

/** A signed invite waiting for the invitee's server's signature. */
export interface PendingInvite {
  rules: RoomVersionRules;
  eventId: EventId;
  /** Signed by us. */
  pdu: Pdu;
  /** The room state to send along (`invite_room_state`): full PDUs, the create event first. */
  roomState: Pdu[];
}

/** Builds and signs our invite of `invitee` into `roomId`; M_FORBIDDEN in words when not allowed. */
export async function buildRemoteInvite(
  store: Store,
  identity: IdentityRecord,
  roomId: string,
  invitee: string,
  reason: string | undefined,
  now: number,
): Promise<PendingInvite> {
  if (!isValidUserId(invitee)) {
    throw new MatrixError('M_INVALID_PARAM', `${String(invitee)} is not a valid user ID`);
  }
  const room = await readRoomSnapshot(store, roomId);
  const sender = userIdOf(identity);
  const content: JsonObject = { membership: 'invite', ...reasonContent(reason) };
  const built = buildMemberEvent(room, sender, invitee, content, now);
  const { serverName, signingKey } = identity;
  const pdu = await signHashedEvent(
    built.pdu as Pdu,
    room.rules,
    serverName,
    signingKey.keyId,
    signingKey.seed,
  );
  return {
    rules: room.rules,
    eventId: built.eventId,
    pdu,
    roomState: sharedStateOf(room, sender as UserId),
  };
}
