/**
 * A room's current heads and state, read in one short read transaction, to
 * build an event on top of without going through the node's write path: a
 * make_leave / make_knock template for a remote user, or our own invite of a
 * remote user, which must be signed by the invitee's server before we store
 * it. Nothing is written.
 */
import { MatrixError } from '../../core/errors.js';
import type { EventId, RoomId, UserId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { Pdu } from '../../core/pdu.js';
import { redact } from '../../core/redaction.js';
import { type RoomVersionRules, roomVersionRules } from '../../core/room-versions.js';
import type { RoomRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { type BuiltEvent, buildLocalEvent } from '../build-local-event.js';
import { WorkingState } from '../working-state.js';
import { sharedRoomState } from './stripped-state.js';

/** What a new event of the room is built on. */
export interface RoomSnapshot {
  record: RoomRecord;
  rules: RoomVersionRules;
  state: WorkingState;
  /** The greatest depth among the heads. */
  depth: number;
  /** The state events a redaction removed the content of (served redacted). */
  redacted: ReadonlySet<EventId>;
}

/** The room as it is now; M_NOT_FOUND when this node does not have it. */
export async function readRoomSnapshot(store: Store, roomId: string): Promise<RoomSnapshot> {
  const read = await store.read(['rooms', 'stateGroups', 'events'], async (txn) => {
    const record = await txn.rooms.get(roomId as RoomId);
    if (record === undefined) return undefined;
    const state = await txn.stateGroups.resolve(record.stateGroup);
    const ids = [...new Set(state.values())];
    const [stateRecords, heads] = await Promise.all([
      Promise.all(ids.map((id) => txn.events.get(id))),
      Promise.all(record.heads.map((id) => txn.events.get(id))),
    ]);
    const events = new Map<EventId, Pdu>();
    const redacted = new Set<EventId>();
    for (const found of stateRecords) {
      if (found === undefined) continue;
      events.set(found.eventId, found.pdu);
      if (found.redactedBy !== undefined) redacted.add(found.eventId);
    }
    const depth = Math.max(0, ...heads.map((head) => head?.depth ?? 0));
    return { record, state, events, depth, redacted };
  });
  if (read === undefined) {
    throw new MatrixError('M_NOT_FOUND', `This server does not know the room ${roomId}`);
  }
  return {
    record: read.record,
    rules: roomVersionRules(read.record.roomVersion),
    state: new WorkingState({ state: read.state, events: read.events }),
    depth: read.depth,
    redacted: read.redacted,
  };
}

/** `room`'s state to share with an invitee or knocker (stripped-state.ts), redacted events redacted. */
export function sharedStateOf(room: RoomSnapshot, member?: UserId): Pdu[] {
  return sharedRoomState(room.state, member, (id, pdu) =>
    room.redacted.has(id) ? redact(pdu, room.rules) : pdu,
  );
}

/**
 * `sender`'s `m.room.member` event for `target` with `content` on top of the
 * snapshot, authorised against its state (M_FORBIDDEN in words when the auth
 * rules refuse it); hashed, not signed.
 */
export function buildMemberEvent(
  room: RoomSnapshot,
  sender: UserId,
  target: string,
  content: JsonObject,
  now: number,
): BuiltEvent {
  return buildLocalEvent(
    { type: 'm.room.member', stateKey: target, content },
    {
      roomId: room.record.roomId,
      rules: room.rules,
      prevEvents: room.record.heads,
      prevDepth: room.depth,
    },
    room.state,
    sender,
    now,
  );
}
