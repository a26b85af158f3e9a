/**
 * Server ACL enforcement on the room endpoints (server-server API, "Server
 * Access Control Lists (ACLs)"): a request about a room from an origin the
 * room's current `m.room.server_acl` denies is answered 403 M_FORBIDDEN.
 *
 * - The read endpoints check it in `openRoom` (room-access.ts).
 * - `/send` checks it per PDU and per EDU (send-route.ts, edu/receive-edus.ts).
 * - Routes built elsewhere with a `{roomId}` path parameter (make_join,
 *   send_join) are wrapped with `withRoomAcl` where they are registered.
 */
import { MatrixError } from '../../core/errors.js';
import type { RoomId } from '../../core/ids.js';
import { serverAclAllows } from '../../core/server-acl.js';
import { RoomReadsForFederation } from '../../node/room-reads-for-federation.js';
import type { RoomRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { AuthenticatedRoute } from '../server/route.js';

/** Whether the room's current ACL lets `origin` take part (no ACL event: yes). */
export async function aclAllows(
  reads: RoomReadsForFederation,
  room: RoomRecord,
  origin: string,
): Promise<boolean> {
  return serverAclAllows(await reads.currentStateContent(room, 'm.room.server_acl'), origin);
}

/** 403 M_FORBIDDEN unless the room's ACL lets `origin` in. */
export async function requireAclAllows(
  reads: RoomReadsForFederation,
  room: RoomRecord,
  origin: string,
): Promise<void> {
  if (!(await aclAllows(reads, room, origin))) throw aclForbidden(origin, room.roomId);
}

/** The refusal for a server the room's ACL denies. */
export function aclForbidden(origin: string, roomId: string): MatrixError {
  return new MatrixError('M_FORBIDDEN', `${origin} is denied by the server ACL of ${roomId}`);
}

/**
 * `route` with the ACL checked first against its `{roomId}` path parameter.
 * A room this node does not have is left to the route (its own 404).
 */
export function withRoomAcl(route: AuthenticatedRoute, store: Store): AuthenticatedRoute {
  if (!route.path.includes('{roomId}')) return route;
  return {
    ...route,
    handle: async (context) => {
      const reads = new RoomReadsForFederation(store, context.params.roomId as RoomId);
      const room = await reads.room();
      if (room !== undefined) await requireAclAllows(reads, room, context.origin);
      return route.handle(context);
    },
  };
}
