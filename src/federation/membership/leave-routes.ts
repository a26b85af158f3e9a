/**
 * The resident side of leaving through another server (server-server API,
 * "Leaving Rooms (Rejecting Invites)"), used by a server that holds no copy
 * of the room — most often to reject an invite:
 *
 * - `GET /_matrix/federation/v1/make_leave/{roomId}/{userId}` → `{room_version,
 *   event}`: the user must belong to the requesting server (403 M_FORBIDDEN);
 *   the room must be ours (404 M_NOT_FOUND); the leave is built on the
 *   current heads and state and must pass the auth rules there (403
 *   M_FORBIDDEN in words: a user who is not invited, joined or knocking
 *   cannot leave).
 * - `PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId}` → `{}` (v2's
 *   answer): a leave of its sender (membership leave, state_key = sender),
 *   sent by the sender's server, with the path's event ID, accepted by the
 *   inbound checks (resident-checks.ts). A newly accepted leave goes to
 *   `onAccepted`: the room's other servers must hear it too.
 *
 * Both are wrapped with withRoomAcl where they are registered.
 */
import type { AuthenticatedRoute } from '../server/route.js';
import {
  acceptMemberEvent,
  memberTemplateAnswer,
  type ResidentRoutesOptions,
  requireOriginUser,
  requireRoom,
  SEND_MEMBER_EVENT_MAX_BODY_BYTES,
} from './resident-checks.js';

/** What the leave routes need. */
export type LeaveRoutesOptions = ResidentRoutesOptions;

/** make_leave and send_leave (v2). */
export function leaveRoutes(options: LeaveRoutesOptions): AuthenticatedRoute[] {
  const { store } = options;
  const makeLeave: AuthenticatedRoute = {
    method: 'GET',
    path: '/_matrix/federation/v1/make_leave/{roomId}/{userId}',
    auth: 'x-matrix',
    handle: async ({ origin, params }) => {
      const userId = requireOriginUser(params.userId!, origin, 'ask to leave');
      await requireRoom(store, params.roomId!);
      return memberTemplateAnswer(options, params.roomId!, userId, 'leave');
    },
  };
  const sendLeave: AuthenticatedRoute = {
    method: 'PUT',
    path: '/_matrix/federation/v2/send_leave/{roomId}/{eventId}',
    auth: 'x-matrix',
    maxBodyBytes: SEND_MEMBER_EVENT_MAX_BODY_BYTES,
    handle: async ({ origin, params, body }) => {
      await acceptMemberEvent(options, origin, params, body, 'leave');
      return { body: {} };
    },
  };
  return [makeLeave, sendLeave];
}
