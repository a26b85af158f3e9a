/**
 * What every room read endpoint does first: find the room (404 M_NOT_FOUND
 * when this node does not have it), find the requested event in it (404 for
 * unknown events, events of another room, rejected events and outliers —
 * none of them is part of the room as we serve it), and decide whether the
 * requesting server may read (403 M_FORBIDDEN otherwise). See
 * server-visibility.ts for the rules.
 */
import { MatrixError } from '../../core/errors.js';
import type { EventId, RoomId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { Pdu } from '../../core/pdu.js';
import { redact } from '../../core/redaction.js';
import { roomVersionRules } from '../../core/room-versions.js';
import { RoomReadsForFederation } from '../../node/room-reads-for-federation.js';
import type { EventRecord, RoomRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { requireAclAllows } from './room-acl.js';
import { eventVisibleTo, factsFor, serverJoinedIn } from './server-visibility.js';

/** A room opened for one request from `origin`. */
export interface RoomAccess {
  reads: RoomReadsForFederation;
  room: RoomRecord;
  origin: string;
  /** One of `origin`'s users is joined in the current state. */
  inRoomNow: boolean;
}

/**
 * Opens `roomId` for `origin`; M_NOT_FOUND when this node does not have the
 * room, M_FORBIDDEN when the room's server ACL denies `origin` (room-acl.ts).
 */
export async function openRoom(store: Store, roomId: string, origin: string): Promise<RoomAccess> {
  const reads = new RoomReadsForFederation(store, roomId as RoomId);
  const room = await reads.room();
  if (room === undefined) throw new MatrixError('M_NOT_FOUND', `Unknown room ${roomId}`);
  await requireAclAllows(reads, room, origin);
  const inRoomNow = await serverJoinedIn(reads, await reads.currentState(room), origin);
  return { reads, room, origin, inRoomNow };
}

/** The event as part of this room: M_NOT_FOUND unless stored here, in this room, neither rejected nor an outlier. */
export async function roomEvent(access: RoomAccess, eventId: string): Promise<EventRecord> {
  const record = await access.reads.event(eventId as EventId);
  if (
    record === undefined ||
    record.roomId !== access.room.roomId ||
    record.status === 'rejected' ||
    record.status === 'outlier'
  ) {
    throw new MatrixError('M_NOT_FOUND', `Unknown event ${eventId}`);
  }
  return record;
}

/** The refusal for a server that may not read what it asked for. */
export function forbidden(origin: string, what: string): MatrixError {
  return new MatrixError('M_FORBIDDEN', `${origin} may not read ${what}`);
}

/** True when one of the origin's users is joined at `record` (after it, or before it). */
async function joinedAt(access: RoomAccess, record: EventRecord): Promise<boolean> {
  for (const state of [
    await access.reads.stateAfter(record),
    await access.reads.stateBefore(record),
  ]) {
    if (state === undefined) continue;
    const facts = await factsFor(access.reads, state, access.origin);
    if (facts.memberships.includes('join')) return true;
  }
  return false;
}

/**
 * For the endpoints about one event (state, state_ids, event_auth): the
 * origin must be in the room (joined now or at the event) and allowed to see
 * the event; else M_FORBIDDEN.
 */
export async function requireEventAccess(access: RoomAccess, record: EventRecord): Promise<void> {
  const member = access.inRoomNow || (await joinedAt(access, record));
  if (!member || !(await eventVisibleTo(access.reads, record, access.origin, access.inRoomNow))) {
    throw forbidden(access.origin, `the room at ${record.eventId}`);
  }
}

/**
 * For the walks (backfill, get_missing_events): the origin must be joined now
 * or at one of the events it names; else M_FORBIDDEN.
 */
export async function requireRoomAccess(access: RoomAccess, named: EventId[]): Promise<void> {
  if (access.inRoomNow) return;
  for (const record of await access.reads.events(named)) {
    if (record !== undefined && record.roomId === access.room.roomId) {
      if (await joinedAt(access, record)) return;
    }
  }
  throw forbidden(access.origin, access.room.roomId);
}

/** An event as we serve it: redacted if a redaction applies to it. */
export function served(record: EventRecord, room: RoomRecord): Pdu {
  return record.redactedBy === undefined
    ? record.pdu
    : redact(record.pdu, roomVersionRules(room.roomVersion));
}

/**
 * An event reached by a walk: as served if the origin may see it, else its
 * redacted form (so the graph stays walkable without leaking content).
 */
export async function servedToOrigin(access: RoomAccess, record: EventRecord): Promise<Pdu> {
  const visible = await eventVisibleTo(access.reads, record, access.origin, access.inRoomNow);
  return visible
    ? served(record, access.room)
    : redact(record.pdu, roomVersionRules(access.room.roomVersion));
}

/** Our answer envelope for PDUs (`/event`, `/backfill`): a transaction without EDUs. */
export function pduTransaction(origin: string, now: number, pdus: Pdu[]): JsonObject {
  return { origin, origin_server_ts: now, pdus: pdus as unknown as JsonObject[] };
}
