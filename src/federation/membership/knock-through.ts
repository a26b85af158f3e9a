/**
 * Knocking on a room through a resident server: for each server in turn,
 * `GET make_knock` (with the room versions we support) → our signed knock
 * (member-event.ts, with our profile and the optional reason) → `PUT v1
 * send_knock`. The first server that accepts it wins and its
 * `knock_room_state` is returned (stripped state read like a received
 * invite's; an unreadable one is []). A member then lets us in with an invite, which arrives as any
 * v2 invite does. If no server accepts, the last failure is thrown as a
 * MembershipHandshakeError (every server's answer in its message).
 */
import { MatrixError } from '../../core/errors.js';
import type { EventId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import { SUPPORTED_ROOM_VERSIONS } from '../../core/room-versions.js';
import { userIdOf } from '../../node/identity.js';
import {
  readStrippedState,
  type StrippedStateEvent,
} from '../../node/membership/stripped-state.js';
import { reasonContent } from '../../node/validate-input.js';
import type { LeaveThroughContext } from './leave-through.js';
import { signMemberFromTemplate } from './member-event.js';
import { MembershipHandshakeError } from './membership-errors.js';

/** What a knock answers: our knock's event ID and the room's stripped state. */
export interface KnockResult {
  eventId: EventId;
  /** The server that accepted it. */
  resident: string;
  roomState: StrippedStateEvent[];
}

/** Knocks on `roomId` for our user through the first of `via` that accepts. */
export async function knockThrough(
  ctx: LeaveThroughContext,
  roomId: string,
  via: readonly string[],
  reason?: string,
): Promise<KnockResult> {
  const identity = ctx.identity();
  const userId = userIdOf(identity);
  const content: JsonObject = { ...reasonContent(reason) };
  const { displayName, avatarUrl } = identity.profile;
  if (displayName !== undefined) content.displayname = displayName;
  if (avatarUrl !== undefined) content.avatar_url = avatarUrl;
  const query = SUPPORTED_ROOM_VERSIONS.map((v) => `ver=${encodeURIComponent(v)}`).join('&');
  const servers = [...new Set(via)].filter((server) => server !== identity.serverName);
  const failures: MembershipHandshakeError[] = [];
  for (const resident of servers) {
    try {
      const template = await ctx.client.request(
        resident,
        'GET',
        `/_matrix/federation/v1/make_knock/${encodeURIComponent(roomId)}/${encodeURIComponent(userId)}?${query}`,
      );
      const facts = { resident, roomId, userId, membership: 'knock' as const, content };
      const knock = await signMemberFromTemplate(template, facts, ctx.identity(), ctx.now());
      const answer = await ctx.client.request(
        resident,
        'PUT',
        `/_matrix/federation/v1/send_knock/${encodeURIComponent(roomId)}/${encodeURIComponent(knock.eventId)}`,
        knock.pdu as JsonObject,
      );
      return { eventId: knock.eventId, resident, roomState: knockState(answer.knock_room_state) };
    } catch (error) {
      failures.push(new MembershipHandshakeError(resident, `knock on ${roomId}`, error));
    }
  }
  const last = failures.at(-1);
  if (last === undefined) {
    throw new MatrixError(
      'M_INVALID_PARAM',
      `Cannot knock on ${roomId}: no server to knock through`,
    );
  }
  if (failures.length > 1) last.message = failures.map((f) => f.message).join('; ');
  throw last;
}

/** The answer's stripped state; the knock is in whatever it holds, so an unreadable list is just []. */
function knockState(raw: unknown): StrippedStateEvent[] {
  try {
    return readStrippedState(raw);
  } catch {
    return [];
  }
}
