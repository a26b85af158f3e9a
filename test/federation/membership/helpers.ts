/**
 * Membership test helpers over `federation(n)`: a server's identity record,
 * an invite built and signed by a server's node without storing it (what a
 * remote inviter would send), and the raw v2 invite request.
 */
import type { JsonObject } from '../../../src/core/json.js';
import { buildRemoteInvite } from '../../../src/node/membership/invite-event.js';
import type { IdentityRecord } from '../../../src/store/records.js';
import type { Server } from '../join/helpers.js';

/** `server`'s identity as stored. */
export async function identityOf(server: Server): Promise<IdentityRecord> {
  const found = await server.store.read(['identity'], (txn) => txn.identity.get());
  if (found === undefined) throw new Error(`${server.name} has no identity`);
  return found;
}

/** An invite of `userId` by `inviter`'s user into `roomId`, signed by `inviter`, not stored. */
export async function pendingInvite(inviter: Server, roomId: string, userId: string, now: number) {
  return buildRemoteInvite(
    inviter.store,
    await identityOf(inviter),
    roomId,
    userId,
    undefined,
    now,
  );
}

/** The v2 invite path. */
export const invitePath = (roomId: string, eventId: string) =>
  `/_matrix/federation/v2/invite/${encodeURIComponent(roomId)}/${encodeURIComponent(eventId)}`;

/** Sends a raw v2 invite body from `from` to `to`. */
export function sendRawInvite(
  from: Server,
  to: Server,
  roomId: string,
  eventId: string,
  body: JsonObject,
): Promise<JsonObject> {
  return from.fed.client.request(to.name, 'PUT', invitePath(roomId, eventId), body);
}

/** `userId`'s membership in `roomId` as `server` sees it (undefined: no member event). */
export async function membershipOn(server: Server, roomId: string, userId: string) {
  return (await server.node.members(roomId)).find((m) => m.userId === userId)?.membership;
}
