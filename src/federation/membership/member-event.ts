/**
 * Our signed member event from a resident's make_join / make_leave /
 * make_knock answer: the template must be a member event of our user about
 * themselves in the room we asked about, with the membership we asked for, in
 * a room version we support (and asked for, when we named versions); we keep
 * its graph fields (prev_events, auth_events, depth), write the content
 * ourselves (membership, reason, profile; for a join, what the template's
 * content must carry over), set origin_server_ts from our clock and drop
 * anything else; then hash, sign and check the PDU format.
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

/** Our signed member event, ready for send_join / send_leave / send_knock. */
export interface SignedMemberEvent {
  rules: RoomVersionRules;
  eventId: EventId;
  pdu: Pdu;
}

/** What the template is checked against. */
export interface TemplateFacts {
  /** The server that answered (named in errors). */
  resident: string;
  roomId: string;
  userId: UserId;
  membership: 'join' | 'leave' | 'knock';
  /**
   * The content we send (`membership` is set over it): our own fields, or
   * made from the template's content when something of it must be kept.
   */
  content: JsonObject | ((template: JsonObject) => JsonObject);
  /** The room versions we offered (make_join's `ver`); another one is refused. */
  versions?: readonly string[];
}

/** Builds and signs our event from `answer`; MatrixError in words when the template is unusable. */
export async function signMemberFromTemplate(
  answer: JsonObject,
  facts: TemplateFacts,
  identity: IdentityRecord,
  now: number,
): Promise<SignedMemberEvent> {
  const { resident, roomId, userId, membership } = facts;
  const bad = (what: string) =>
    new MatrixError('M_BAD_JSON', `${resident} sent an unusable ${membership} template: ${what}`);
  const version = answer.room_version;
  if (!isSupportedRoomVersion(version) || (facts.versions && !facts.versions.includes(version))) {
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
  const templateContent = template.content;
  if (!isJsonObject(templateContent) || templateContent.membership !== membership) {
    throw bad(`membership is not ${membership}`);
  }
  const { prev_events: prev, auth_events: auth, depth } = template;
  if (!isStringArray(prev) || !isStringArray(auth)) throw bad('prev_events/auth_events');
  if (typeof depth !== 'number' || !Number.isSafeInteger(depth) || depth < 1) throw bad('depth');
  const unsigned: UnsignedPdu = {
    auth_events: auth,
    content: {
      ...(typeof facts.content === 'function' ? facts.content(templateContent) : facts.content),
      membership,
    },
    depth,
    origin_server_ts: Math.floor(now),
    prev_events: prev,
    room_id: roomId,
    sender: userId,
    state_key: userId,
    type: 'm.room.member',
  };
  const { serverName, signingKey } = identity;
  const signed = await signHashedEvent(
    withContentHash(unsigned),
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
