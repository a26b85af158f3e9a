/**
 * The invited server's side of `PUT /_matrix/federation/v2/invite/{roomId}/{eventId}`
 * (server-server API, "Inviting to a room", as of Matrix 1.16): body
 * `{room_version, event, invite_room_state}`, answer `{event}` — the event as
 * it came with our signature added. Checks, in order:
 *
 * 1. body shape: `room_version` a string, `event` an object (400 M_BAD_JSON);
 * 2. a room version we support (400 M_INCOMPATIBLE_ROOM_VERSION with
 *    `room_version`);
 * 3. a valid PDU of that version (400 M_BAD_JSON), of the path's room and
 *    with the path's event ID (400 M_INVALID_PARAM);
 * 4. the spec's "MUST apply" checks, each 400 M_INVALID_PARAM (the code it
 *    recommends): an `m.room.member` event with membership `invite`, sent by
 *    a user of the requesting server, for a user of ours (we sign for nobody
 *    else), whose signature and content hash verify;
 * 5. `invite_room_state` (invite-room-state.ts: strict from room version 12,
 *    400 M_INVALID_PARAM);
 * 6. policy, 403 M_FORBIDDEN ("the homeserver refuses to participate in the
 *    room"): the room's `m.room.server_acl` — ours if we hold the room
 *    (withRoomAcl, where the route is registered), else the one in
 *    `invite_room_state` if sent — must allow the origin; and if we hold the
 *    room, our user must not be joined or banned there.
 *
 * We cannot check the invite against the room's auth rules (we hold no
 * state); the servers in the room do that when the inviter sends it on.
 * The countersigned invite is kept (node.storeInvite) before we answer, so
 * our user sees it; a retry of the same invite replaces it.
 */
import { MatrixError } from '../../core/errors.js';
import { type KeyLookup, signHashedEvent, verifyEvent } from '../../core/event-signing.js';
import { serverNameOf } from '../../core/identifiers.js';
import type { EventId, RoomId } from '../../core/ids.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import { isSupportedRoomVersion, roomVersionRules } from '../../core/room-versions.js';
import { serverAclAllows } from '../../core/server-acl.js';
import type { ReceivedInvite } from '../../node/membership/received-invites.js';
import { strippedContent } from '../../node/membership/stripped-state.js';
import type { IdentityRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { aclForbidden } from '../rooms/room-acl.js';
import type { AuthenticatedRoute, RouteResponse } from '../server/route.js';
import { readInvite, refuseIfSettled } from './invite-checks.js';
import { readInviteRoomState } from './invite-room-state.js';

/** What the invite route needs. */
export interface InviteRouteOptions {
  node: { storeInvite(invite: ReceivedInvite): Promise<void> };
  /** Our rooms: an invite into a room we hold where our user is joined or banned is refused. */
  store: Store;
  /** Event signature keys (KeyRing's `lookup`). */
  keyLookup: KeyLookup;
  /** Our identity: our server name and the key we countersign with. */
  identity: () => IdentityRecord;
  now: () => number;
}

/** An invite (one PDU) and its stripped state: 256 KiB is plenty. */
const INVITE_MAX_BODY_BYTES = 256 * 1024;

/** `PUT /_matrix/federation/v2/invite/{roomId}/{eventId}`. */
export function inviteRoute(options: InviteRouteOptions): AuthenticatedRoute {
  return {
    method: 'PUT',
    path: '/_matrix/federation/v2/invite/{roomId}/{eventId}',
    auth: 'x-matrix',
    maxBodyBytes: INVITE_MAX_BODY_BYTES,
    handle: async ({ origin, params, body }): Promise<RouteResponse> => {
      const roomId = params.roomId!;
      const eventId = params.eventId! as EventId;
      if (body === undefined || !isJsonObject(body)) {
        throw new MatrixError('M_BAD_JSON', 'An invite body is required');
      }
      const { room_version: version, event } = body;
      if (typeof version !== 'string')
        throw new MatrixError('M_BAD_JSON', 'room_version must be a string');
      if (!isJsonObject(event)) throw new MatrixError('M_BAD_JSON', 'event must be an object');
      if (!isSupportedRoomVersion(version)) {
        return {
          status: 400,
          body: {
            errcode: 'M_INCOMPATIBLE_ROOM_VERSION',
            error: `This server does not support room version ${version}`,
            room_version: version,
          },
        };
      }
      const rules = roomVersionRules(version);
      const pdu = readInvite(event, rules, roomId, eventId);
      const { serverName, signingKey } = options.identity();
      const invitee = pdu.state_key!;
      if (serverNameOf(invitee) !== serverName) {
        throw new MatrixError('M_INVALID_PARAM', `${invitee} is not a user of ${serverName}`);
      }
      if (serverNameOf(pdu.sender) !== origin) {
        throw new MatrixError(
          'M_INVALID_PARAM',
          `${origin} cannot send an invite from ${pdu.sender}`,
        );
      }
      const verified = await verifyEvent(pdu, rules, options.keyLookup);
      if (verified.status !== 'valid') {
        const why = verified.status === 'rejected' ? verified.reason : 'its content hash is wrong';
        throw new MatrixError('M_INVALID_PARAM', `The invite does not verify: ${why}`);
      }
      const strippedState = await readInviteRoomState(
        body.invite_room_state,
        rules,
        roomId,
        options.keyLookup,
      );
      if (!serverAclAllows(strippedContent(strippedState, 'm.room.server_acl'), origin)) {
        throw aclForbidden(origin, roomId);
      }
      await refuseIfSettled(options.store, roomId, invitee);
      const signed = await signHashedEvent(
        pdu,
        rules,
        serverName,
        signingKey.keyId,
        signingKey.seed,
      );
      await options.node.storeInvite({
        roomId: roomId as RoomId,
        roomVersion: version,
        eventId,
        event: signed,
        inviter: pdu.sender,
        strippedState,
        receivedTs: options.now(),
      });
      return { body: { event: signed as JsonObject } };
    },
  };
}
