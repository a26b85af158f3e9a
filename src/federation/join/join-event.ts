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
import { MatrixError } from '../../core/errors.js';
import { eventIdFor, withContentHash } from '../../core/event-hashes.js';
import { signHashedEvent } from '../../core/event-signing.js';
import type { EventId, UserId } from '../../core/ids.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { Pdu, UnsignedPdu } from '../../core/pdu.js';
import {
  isSupportedRoomVersion,
  type RoomVersionRules,
  roomVersionRules,
} from '../../core/room-versions.js';
import { validatePdu } from '../../core/validate-pdu.js';
import type { IdentityRecord } from '../../store/records.js';

/** Our signed join, ready for send_join. */
export interface SignedJoin {
  rules: RoomVersionRules;
  eventId: EventId;
  pdu: Pdu;
}

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
export async function signJoinFromTemplate(
  answer: JsonObject,
  facts: JoinRequestFacts,
  identity: IdentityRecord,
  now: number,
): Promise<SignedJoin> {
  const { resident, roomId, userId } = facts;
  const bad = (what: string) =>
    new MatrixError('M_BAD_JSON', `${resident} sent an unusable join template: ${what}`);
  const version = answer.room_version;
  if (!isSupportedRoomVersion(version) || !facts.versions.includes(version)) {
    throw new MatrixError(
      'M_INCOMPATIBLE_ROOM_VERSION',
      `${resident} offered room version ${JSON.stringify(version)}, which this server does not support`,
    );
  }
  const rules = roomVersionRules(version);
  const template = answer.event;
  if (!isJsonObject(template)) throw bad('no event');
  if (template.type !== 'm.room.member') throw bad('not a member event');
  if (template.room_id !== roomId) throw bad(`room_id is not ${roomId}`);
  if (template.sender !== userId || template.state_key !== userId) {
    throw bad(`sender and state_key must be ${userId}`);
  }
  const content = template.content;
  if (!isJsonObject(content) || content.membership !== 'join') throw bad('membership is not join');
  const { prev_events: prev, auth_events: auth, depth } = template;
  if (!isStringArray(prev) || !isStringArray(auth)) throw bad('prev_events/auth_events');
  if (typeof depth !== 'number' || !Number.isSafeInteger(depth) || depth < 1) throw bad('depth');

  const ours: JsonObject = { membership: 'join' };
  const { displayName, avatarUrl } = identity.profile;
  if (displayName !== undefined) ours.displayname = displayName;
  if (avatarUrl !== undefined) ours.avatar_url = avatarUrl;
  const via = content.join_authorised_via_users_server;
  if (via !== undefined) ours.join_authorised_via_users_server = via;
  const unsigned: UnsignedPdu = {
    auth_events: auth,
    content: ours,
    depth,
    origin_server_ts: Math.floor(now),
    prev_events: prev,
    room_id: roomId,
    sender: userId,
    state_key: userId,
    type: 'm.room.member',
  };
  const hashed = withContentHash(unsigned);
  const { serverName, signingKey } = identity;
  const signed = await signHashedEvent(
    hashed,
    rules,
    serverName,
    signingKey.keyId,
    signingKey.seed,
  );
  let pdu: Pdu;
  try {
    pdu = validatePdu(signed, rules);
  } catch (cause) {
    throw bad(cause instanceof Error ? cause.message : String(cause));
  }
  return { rules, eventId: eventIdFor(pdu, rules), pdu };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
