/**
 * What the resident side of make_leave/send_leave (and make_knock/send_knock)
 * shares with make_join/send_join: the room must be ours (404 M_NOT_FOUND),
 * the user must belong to the requesting server (403 M_FORBIDDEN), and a
 * send_* body must be a member event of its sender with the expected
 * membership, of this room and with the path's event ID; then it goes
 * through the inbound checks like any received PDU, and the outcome becomes
 * the answer: accepted (now or before) → ok; rejected or soft-failed → 403
 * M_FORBIDDEN; not judged (bad signature, cites events we lack) → 400.
 */
import { MatrixError } from '../../core/errors.js';
import { eventIdFor } from '../../core/event-hashes.js';
import type { KeyLookup } from '../../core/event-signing.js';
import { isValidUserId, serverNameOf } from '../../core/identifiers.js';
import type { EventId, RoomId, UserId } from '../../core/ids.js';
import { isJsonObject, type JsonObject } from '../../core/json.js';
import type { Pdu } from '../../core/pdu.js';
import { roomVersionRules } from '../../core/room-versions.js';
import { validatePdu } from '../../core/validate-pdu.js';
import type { InboundReport, ReceiveOptions } from '../../node/inbound/types.js';
import { makeMembershipTemplate } from '../../node/membership/membership-template.js';
import type { RoomRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/** The receiving node, as the resident routes use it. */
export interface ResidentNode {
  receivePdus(origin: string, pdus: unknown[], options: ReceiveOptions): Promise<InboundReport>;
}

/** What the make and send routes of leaves and knocks need. */
export interface ResidentRoutesOptions {
  node: ResidentNode;
  store: Store;
  /** Event signature keys (KeyRing's `lookup`). */
  keyLookup: KeyLookup;
  /** Our server name, for `origin` in the template. */
  serverName: () => string;
  now: () => number;
  /** Told about each event a send_* newly accepted: relay it to the room's other servers. */
  onAccepted?: (roomId: RoomId, eventId: EventId, pdu: Pdu, origin: string) => void;
}

/** send_* bodies: one PDU (at most 64 KiB) with room to spare. */
export const SEND_MEMBER_EVENT_MAX_BODY_BYTES = 128 * 1024;

/** The room record; 404 M_NOT_FOUND when this node does not have the room. */
export async function requireRoom(store: Store, roomId: string): Promise<RoomRecord> {
  const room = await store.read(['rooms'], (txn) => txn.rooms.get(roomId as RoomId));
  if (room === undefined) {
    throw new MatrixError('M_NOT_FOUND', `This server does not know the room ${roomId}`);
  }
  return room;
}

/** `userId` checked as a user of `origin` (400 M_INVALID_PARAM / 403 M_FORBIDDEN). */
export function requireOriginUser(userId: string, origin: string, action: string): UserId {
  if (!isValidUserId(userId)) throw new MatrixError('M_INVALID_PARAM', 'Invalid user ID');
  if (serverNameOf(userId) !== origin) {
    throw new MatrixError('M_FORBIDDEN', `${origin} cannot ${action} for ${userId}`);
  }
  return userId;
}

/** The send_* body as `membership` of its sender in `room`, with the path's event ID, sent by its server. */
export function readMemberEvent(
  body: JsonObject | undefined,
  room: RoomRecord,
  eventId: EventId,
  origin: string,
  membership: 'leave' | 'knock',
): Pdu {
  if (body === undefined || !isJsonObject(body)) {
    throw new MatrixError('M_BAD_JSON', `A ${membership} event is required`);
  }
  const rules = roomVersionRules(room.roomVersion);
  let pdu: Pdu;
  try {
    pdu = validatePdu(body, rules);
  } catch (cause) {
    throw new MatrixError('M_BAD_JSON', `Not a valid event: ${(cause as Error).message}`);
  }
  if (pdu.room_id !== room.roomId) {
    throw new MatrixError('M_INVALID_PARAM', `The event is not in ${room.roomId}`);
  }
  if (
    pdu.type !== 'm.room.member' ||
    pdu.content.membership !== membership ||
    pdu.state_key !== pdu.sender
  ) {
    throw new MatrixError('M_INVALID_PARAM', `The event is not a ${membership} of its sender`);
  }
  if (serverNameOf(pdu.sender) !== origin) {
    throw new MatrixError('M_FORBIDDEN', `${origin} cannot send a ${membership} for ${pdu.sender}`);
  }
  if (eventIdFor(pdu, rules) !== eventId) {
    throw new MatrixError('M_INVALID_PARAM', `The event's ID is not ${eventId}`);
  }
  return pdu;
}

/**
 * Runs `pdu` through the inbound checks; resolves with true when it was newly
 * accepted, false when it was accepted before; throws the refusal otherwise.
 */
export async function receiveMemberEvent(
  node: ResidentNode,
  origin: string,
  pdu: Pdu,
  eventId: EventId,
  keyLookup: KeyLookup,
): Promise<boolean> {
  const report = await node.receivePdus(origin, [pdu], { keyLookup });
  const outcome = report.outcomes[eventId];
  const status = outcome?.status;
  const reason = outcome?.reason ?? report.unkeyed[0]?.error ?? 'not processed';
  const what = `The ${String(pdu.content.membership)}`;
  if (status === 'rejected' || status === 'soft_failed') {
    throw new MatrixError('M_FORBIDDEN', `${what} is not allowed: ${reason}`);
  }
  if (status === 'accepted') return true;
  if (status === 'duplicate') return false;
  throw new MatrixError('M_INVALID_PARAM', `${what} cannot be accepted: ${reason}`);
}

/**
 * The make_* answer: a `membership` template for `userId` on the room's current
 * heads and state, with our server as `origin`, and the room version.
 */
export async function memberTemplateAnswer(
  options: ResidentRoutesOptions,
  roomId: string,
  userId: UserId,
  membership: 'leave' | 'knock',
): Promise<{ body: JsonObject }> {
  const template = await makeMembershipTemplate(
    options.store,
    roomId,
    userId,
    membership,
    options.now(),
  );
  return {
    body: {
      room_version: template.roomVersion,
      event: { ...template.event, origin: options.serverName() } as JsonObject,
    },
  };
}

/**
 * The send_* handling up to the answer: the body read as the sender's
 * `membership` event with the path's event ID, put through the inbound
 * checks, and handed to `onAccepted` when newly accepted.
 */
export async function acceptMemberEvent(
  options: ResidentRoutesOptions,
  origin: string,
  params: Record<string, string | undefined>,
  body: JsonObject | undefined,
  membership: 'leave' | 'knock',
): Promise<RoomRecord> {
  const eventId = params.eventId! as EventId;
  const room = await requireRoom(options.store, params.roomId!);
  const pdu = readMemberEvent(body, room, eventId, origin, membership);
  const fresh = await receiveMemberEvent(options.node, origin, pdu, eventId, options.keyLookup);
  if (fresh) options.onAccepted?.(room.roomId, eventId, pdu, origin);
  return room;
}
