/**
 * The resident side of `GET /make_join`: an unsigned join event for a remote
 * user, built on the room's current heads and state exactly as a local event
 * would be (build-local-event.ts: prev_events, depth, auth_events), and
 * checked against the auth rules first — a join the join rules refuse is
 * MatrixError M_FORBIDDEN in words, so nobody gets a template they could
 * not use. One read transaction; nothing is written.
 */
import { MatrixError } from '../../core/errors.js';
import type { EventId, RoomId, UserId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { Pdu } from '../../core/pdu.js';
import { type RoomVersionRules, roomVersionRules } from '../../core/room-versions.js';
import type { Store } from '../../store/store.js';
import { buildLocalEvent } from '../build-local-event.js';
import { WorkingState } from '../working-state.js';

/** What make_join answers: the room version and the template. */
export interface JoinTemplate {
  roomVersion: string;
  rules: RoomVersionRules;
  /** The template: the event without hashes or signatures. */
  event: JsonObject;
}

/**
 * The join template for `userId` in `roomId` as this node sees the room now.
 * Throws M_NOT_FOUND for a room this node does not have and M_FORBIDDEN when
 * the current state does not let the user join.
 */
export async function makeJoinTemplate(
  store: Store,
  roomId: string,
  userId: UserId,
  now: number,
): Promise<JoinTemplate> {
  const room = await store.read(['rooms', 'stateGroups', 'events'], async (txn) => {
    const record = await txn.rooms.get(roomId as RoomId);
    if (record === undefined) return undefined;
    const state = await txn.stateGroups.resolve(record.stateGroup);
    const ids = [...new Set(state.values())];
    const [stateRecords, heads] = await Promise.all([
      Promise.all(ids.map((id) => txn.events.get(id))),
      Promise.all(record.heads.map((id) => txn.events.get(id))),
    ]);
    const events = new Map<EventId, Pdu>();
    for (const found of stateRecords) if (found !== undefined) events.set(found.eventId, found.pdu);
    const depth = Math.max(0, ...heads.map((head) => head?.depth ?? 0));
    return { record, state, events, depth };
  });
  if (room === undefined) {
    throw new MatrixError('M_NOT_FOUND', `This server does not know the room ${roomId}`);
  }
  const rules = roomVersionRules(room.record.roomVersion);
  const built = buildLocalEvent(
    { type: 'm.room.member', stateKey: userId, content: { membership: 'join' } },
    {
      roomId: room.record.roomId,
      rules,
      prevEvents: room.record.heads,
      prevDepth: room.depth,
    },
    new WorkingState({ state: room.state, events: room.events }),
    userId,
    now,
  );
  const { hashes: _hashes, ...template } = built.pdu;
  return { roomVersion: rules.id, rules, event: template as JsonObject };
}
