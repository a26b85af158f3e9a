/**
 * The resident side of the join handshake (server-server API, "Joining Rooms"):
 *
 * - `GET /_matrix/federation/v1/make_join/{roomId}/{userId}?ver=…` → `{room_version,
 *   event}`: the user must belong to the requesting server (403 M_FORBIDDEN);
 *   the room must be ours (404 M_NOT_FOUND); its version must be among `ver`
 *   (default `["1"]`), else 400 M_INCOMPATIBLE_ROOM_VERSION with
 *   `room_version`; the template is built on the current state and
 *   authorised there, so join rules that refuse the user give 403 M_FORBIDDEN.
 * - `PUT /_matrix/federation/v2/send_join/{roomId}/{eventId}` → `{origin, state,
 *   auth_chain, members_omitted: false}`: a join (membership join, state_key
 *   = sender) of this room whose event ID is `eventId` (400 M_INVALID_PARAM),
 *   sent by its sender's server (403 M_FORBIDDEN), goes through `receivePdus`
 *   like any inbound PDU. Accepted (now or before) → the state before the join
 *   (the state at its prev events) and the auth chain of that state and of
 *   the join; rejected or soft-failed → 403 M_FORBIDDEN; not judged (bad
 *   signature, prev events we lack) → 400 M_INVALID_PARAM. A newly accepted
 *   join goes to `onJoinAccepted` (the spec: "the resident server must also
 *   send the event to other servers participating in the room").
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
import { makeJoinTemplate } from '../../node/join/join-template.js';
import { RoomReadsForFederation } from '../../node/room-reads-for-federation.js';
import type { RoomRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { served } from '../rooms/room-access.js';
import type { AuthenticatedRoute, RouteResponse } from '../server/route.js';

/** What the join routes need. */
export interface JoinRoutesOptions {
  node: {
    receivePdus(origin: string, pdus: unknown[], options: ReceiveOptions): Promise<InboundReport>;
  };
  store: Store;
  /** Event signature keys (KeyRing's `lookup`). */
  keyLookup: KeyLookup;
  /** Our server name, for `origin` in answers. */
  serverName: () => string;
  now: () => number;
  /** Told about each join send_join newly accepted: relay it to the room's other servers. */
  onJoinAccepted?: (roomId: RoomId, eventId: EventId, pdu: Pdu, origin: string) => void;
}

/** send_join bodies: one PDU (at most 64 KiB) with room to spare. */
const SEND_JOIN_MAX_BODY_BYTES = 128 * 1024;

/** make_join and send_join (v2). */
export function joinRoutes(options: JoinRoutesOptions): AuthenticatedRoute[] {
  const { store, serverName, now } = options;

  async function requireRoom(roomId: string): Promise<RoomRecord> {
    const room = await store.read(['rooms'], (txn) => txn.rooms.get(roomId as RoomId));
    if (room === undefined) {
      throw new MatrixError('M_NOT_FOUND', `This server does not know the room ${roomId}`);
    }
    return room;
  }

  const makeJoin: AuthenticatedRoute = {
    method: 'GET',
    path: '/_matrix/federation/v1/make_join/{roomId}/{userId}',
    auth: 'x-matrix',
    handle: async ({ origin, params, query }): Promise<RouteResponse> => {
      const roomId = params.roomId!;
      const userId = params.userId!;
      if (!isValidUserId(userId)) throw new MatrixError('M_INVALID_PARAM', 'Invalid user ID');
      if (serverNameOf(userId) !== origin) {
        throw new MatrixError('M_FORBIDDEN', `${origin} cannot ask to join for ${userId}`);
      }
      const room = await requireRoom(roomId);
      const versions = query.getAll('ver');
      if (!(versions.length > 0 ? versions : ['1']).includes(room.roomVersion)) {
        return {
          status: 400,
          body: {
            errcode: 'M_INCOMPATIBLE_ROOM_VERSION',
            error: `The room has version ${room.roomVersion}, which ${origin} does not support`,
            room_version: room.roomVersion,
          },
        };
      }
      const template = await makeJoinTemplate(store, roomId, userId as UserId, now());
      return {
        body: {
          room_version: template.roomVersion,
          event: { ...template.event, origin: serverName() } as JsonObject,
        },
      };
    },
  };

  const sendJoin: AuthenticatedRoute = {
    method: 'PUT',
    path: '/_matrix/federation/v2/send_join/{roomId}/{eventId}',
    auth: 'x-matrix',
    maxBodyBytes: SEND_JOIN_MAX_BODY_BYTES,
    handle: async ({ origin, params, body }) => {
      const roomId = params.roomId!;
      const eventId = params.eventId! as EventId;
      const room = await requireRoom(roomId);
      const pdu = readJoin(body, room, eventId, origin);
      const report = await options.node.receivePdus(origin, [pdu], {
        keyLookup: options.keyLookup,
      });
      const outcome = report.outcomes[eventId];
      const status = outcome?.status;
      const reason = outcome?.reason ?? report.unkeyed[0]?.error ?? 'not processed';
      if (status === 'rejected' || status === 'soft_failed') {
        throw new MatrixError('M_FORBIDDEN', `The join is not allowed: ${reason}`);
      }
      if (status !== 'accepted' && status !== 'duplicate') {
        throw new MatrixError('M_INVALID_PARAM', `The join cannot be accepted: ${reason}`);
      }
      const reads = new RoomReadsForFederation(store, room.roomId);
      const record = await reads.event(eventId);
      if (record?.status !== 'accepted') {
        throw new MatrixError('M_FORBIDDEN', `The join is not allowed: it was ${record?.status}`);
      }
      const state = await reads.stateBefore(record);
      if (state === undefined) {
        throw new MatrixError('M_UNKNOWN', `The state before ${eventId} is not known here`);
      }
      const stateIds = [...new Set(state.values())];
      const stateRecords = await reads.events(stateIds);
      const chain = await reads.authChain([...stateIds, eventId]);
      if (status === 'accepted') options.onJoinAccepted?.(room.roomId, eventId, pdu, origin);
      return {
        body: {
          origin: serverName(),
          state: stateRecords.flatMap((r) => (r === undefined ? [] : [served(r, room)])),
          auth_chain: chain.map((r) => served(r, room)),
          members_omitted: false,
        } as unknown as JsonObject,
      };
    },
  };

  return [makeJoin, sendJoin];
}

/** The send_join body as a join of this room, with the path's event ID, by the origin's user. */
function readJoin(
  body: JsonObject | undefined,
  room: RoomRecord,
  eventId: EventId,
  origin: string,
): Pdu {
  if (body === undefined || !isJsonObject(body)) {
    throw new MatrixError('M_BAD_JSON', 'A join event is required');
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
    pdu.content.membership !== 'join' ||
    pdu.state_key !== pdu.sender
  ) {
    throw new MatrixError('M_INVALID_PARAM', 'The event is not a join of its sender');
  }
  if (serverNameOf(pdu.sender) !== origin) {
    throw new MatrixError('M_FORBIDDEN', `${origin} cannot send a join for ${pdu.sender}`);
  }
  if (eventIdFor(pdu, rules) !== eventId) {
    throw new MatrixError('M_INVALID_PARAM', `The event's ID is not ${eventId}`);
  }
  return pdu;
}
