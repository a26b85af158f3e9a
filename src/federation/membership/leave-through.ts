/**
 * Leaving a room through another server, for a server that holds no copy of
 * it (rejecting an invite): for each server in turn, `GET make_leave` → our
 * signed leave (member-event.ts) → `PUT v2 send_leave`. The first server that
 * accepts it wins; the resident then sends the leave to the room's other
 * servers. If none does, the last failure is thrown as a
 * MembershipHandshakeError (every server's answer in its message).
 */
import { MatrixError } from '../../core/errors.js';
import type { EventId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import { userIdOf } from '../../node/identity.js';
import { reasonContent } from '../../node/validate-input.js';
import type { IdentityRecord } from '../../store/records.js';
import type { FederationClient } from '../client.js';
import { signMemberFromTemplate } from './member-event.js';
import { MembershipHandshakeError } from './membership-errors.js';

/** What a remote leave needs. */
export interface LeaveThroughContext {
  client: Pick<FederationClient, 'request'>;
  identity: () => IdentityRecord;
  now: () => number;
}

/** Our user leaves `roomId` through the first of `via` that accepts; returns the leave's event ID. */
export async function leaveThrough(
  ctx: LeaveThroughContext,
  roomId: string,
  via: readonly string[],
  reason?: string,
): Promise<EventId> {
  const identity = ctx.identity();
  const userId = userIdOf(identity);
  const content = reasonContent(reason);
  const servers = [...new Set(via)].filter((server) => server !== identity.serverName);
  const failures: MembershipHandshakeError[] = [];
  for (const resident of servers) {
    try {
      const template = await ctx.client.request(
        resident,
        'GET',
        `/_matrix/federation/v1/make_leave/${encodeURIComponent(roomId)}/${encodeURIComponent(userId)}`,
      );
      const facts = { resident, roomId, userId, membership: 'leave' as const, content };
      const leave = await signMemberFromTemplate(template, facts, ctx.identity(), ctx.now());
      await ctx.client.request(
        resident,
        'PUT',
        `/_matrix/federation/v2/send_leave/${encodeURIComponent(roomId)}/${encodeURIComponent(leave.eventId)}`,
        leave.pdu as JsonObject,
      );
      return leave.eventId;
    } catch (error) {
      failures.push(new MembershipHandshakeError(resident, `leave ${roomId}`, error));
    }
  }
  const last = failures.at(-1);
  if (last === undefined) {
    throw new MatrixError('M_INVALID_PARAM', `Cannot leave ${roomId}: no server to leave through`);
  }
  if (failures.length > 1) last.message = failures.map((f) => f.message).join('; ');
  throw last;
}
