/**
 * The joining side's join event: a resident's make_join answer turned into our
 * signed `m.room.member` join. The template must be a join of our user into
 * the room we asked for, in a room version we asked for; we keep its graph
 * fields (prev_events, auth_events, depth) and content (membership and, for
 * a restricted room, join_authorised_via_users_server), add our profile, set
 * origin_server_ts from our clock ("the joining server is expected to add or
 * replace origin, origin_server_ts and event_id") and drop anything else —
 * room versions 10–12 have no `origin` or `event_id` fields. Then the content
 * hash, the event ID (reference hash), our signature, and the PDU format check.
 */
import type { UserId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { IdentityRecord } from '../../store/records.js';
import { type SignedMemberEvent, signMemberFromTemplate } from '../membership/member-event.js';

/** Our signed join, ready for send_join. */
export type SignedJoin = SignedMemberEvent;

/** What the template is checked against. */
export interface JoinRequestFacts {
  /** The server that answered (named in errors). */
  resident: string;
  roomId: string;
  userId: UserId;
  /** The `ver` values we sent. */
  versions: readonly string[];
}

/** Builds and signs our join from `answer` (make_join's body); MatrixError in words when it is unusable. */
export function signJoinFromTemplate(
  answer: JsonObject,
  facts: JoinRequestFacts,
  identity: IdentityRecord,
  now: number,
): Promise<SignedJoin> {
  const content = (template: JsonObject): JsonObject => {
    const ours: JsonObject = {};
    const { displayName, avatarUrl } = identity.profile;
    if (displayName !== undefined) ours.displayname = displayName;
    if (avatarUrl !== undefined) ours.avatar_url = avatarUrl;
    const via = template.join_authorised_via_users_server;
    if (via !== undefined) ours.join_authorised_via_users_server = via;
    return ours;
  };
  return signMemberFromTemplate(answer, { ...facts, membership: 'join', content }, identity, now);
}
