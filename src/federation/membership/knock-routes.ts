/**
 * The resident side of knocking (server-server API, "Knocking upon a room";
 * room versions 7+, so all of ours):
 *
 * - `GET /_matrix/federation/v1/make_knock/{roomId}/{userId}?ver=…` →
 *   `{room_version, event}`: `ver` is required (400 M_MISSING_PARAM); the user
 *   must belong to the requesting server (403 M_FORBIDDEN); the room must be
 *   ours (404 M_NOT_FOUND); its version must be among `ver` (400
 *   M_INCOMPATIBLE_ROOM_VERSION with `room_version`); the knock must pass the
 *   auth rules on the current state (403 M_FORBIDDEN in words: the join rule
 *   is not `knock`/`knock_restricted`, the user is banned or already in).
 * - `PUT /_matrix/federation/v1/send_knock/{roomId}/{eventId}` →
 *   `{knock_room_state}`: a knock of its sender, sent by the sender's server,
 *   with the path's event ID, accepted by the inbound checks
 *   (resident-checks.ts); the answer is the room's shared state (full PDUs,
 *   as the spec asks since 1.16; stripped-state.ts) so the knocking user can
 *   tell what they knocked on. A newly accepted knock goes
 *   to `onAccepted` for the room's other servers.
 *
 * Both are wrapped with withRoomAcl where they are registered.
 */
import { MatrixError } from '../../core/errors.js';
import type { JsonObject } from '../../core/json.js';
import { readRoomSnapshot, sharedStateOf } from '../../node/membership/room-snapshot.js';
import type { AuthenticatedRoute, RouteResponse } from '../server/route.js';
import {
  acceptMemberEvent,
  memberTemplateAnswer,
  type ResidentRoutesOptions,
  requireOriginUser,
  requireRoom,
  SEND_MEMBER_EVENT_MAX_BODY_BYTES,
} from './resident-checks.js';

/** What the knock routes need. */
export type KnockRoutesOptions = ResidentRoutesOptions;

/** make_knock and send_knock (v1). */
export function knockRoutes(options: KnockRoutesOptions): AuthenticatedRoute[] {
  const { store } = options;
  const makeKnock: AuthenticatedRoute = {
    method: 'GET',
    path: '/_matrix/federation/v1/make_knock/{roomId}/{userId}',
    auth: 'x-matrix',
    handle: async ({ origin, params, query }): Promise<RouteResponse> => {
      const versions = query.getAll('ver').flatMap((v) => v.split(','));
      if (versions.length === 0) {
        throw new MatrixError('M_MISSING_PARAM', 'ver: the room versions you support are required');
      }
      const userId = requireOriginUser(params.userId!, origin, 'ask to knock');
      const room = await requireRoom(store, params.roomId!);
      if (!versions.includes(room.roomVersion)) {
        return {
          status: 400,
          body: {
            errcode: 'M_INCOMPATIBLE_ROOM_VERSION',
            error: `The room has version ${room.roomVersion}, which ${origin} does not support`,
            room_version: room.roomVersion,
          },
        };
      }
      return memberTemplateAnswer(options, room.roomId, userId, 'knock');
    },
  };
  const sendKnock: AuthenticatedRoute = {
    method: 'PUT',
    path: '/_matrix/federation/v1/send_knock/{roomId}/{eventId}',
    auth: 'x-matrix',
    maxBodyBytes: SEND_MEMBER_EVENT_MAX_BODY_BYTES,
    handle: async ({ origin, params, body }) => {
      const room = await acceptMemberEvent(options, origin, params, body, 'knock');
      const snapshot = await readRoomSnapshot(store, room.roomId);
      return {
        body: { knock_room_state: sharedStateOf(snapshot) as JsonObject[] },
      };
    },
  };
  return [makeKnock, sendKnock];
}
