/**
 * The resident side of `GET /make_leave` and `GET /make_knock`: an unsigned
 * member event of a remote user about themselves, built on the room's
 * current heads and state as a local event would be, and checked against the
 * auth rules first (M_FORBIDDEN in words when they refuse it: a leave of a
 * user who is neither invited, joined nor knocking; a knock where the join
 * rule does not allow it), so nobody gets a template they could not use.
 */
import type { UserId } from '../../core/ids.js';
import type { JsonObject } from '../../core/json.js';
import type { RoomVersionRules } from '../../core/room-versions.js';
import type { Store } from '../../store/store.js';
import { buildMemberEvent, readRoomSnapshot } from './room-snapshot.js';

/** What make_leave / make_knock answer: the room version and the template. */
export interface MembershipTemplate {
  roomVersion: string;
  rules: RoomVersionRules;
  /** The event without hashes or signatures. */
  event: JsonObject;
}

/** The `membership` template for `userId` in `roomId` as this node sees the room now. */
export async function makeMembershipTemplate(
  store: Store,
  roomId: string,
  userId: UserId,
  membership: 'leave' | 'knock',
  now: number,
): Promise<MembershipTemplate> {
  const room = await readRoomSnapshot(store, roomId);
  const built = buildMemberEvent(room, userId, userId, { membership }, now);
  const { hashes: _hashes, ...template } = built.pdu;
  return { roomVersion: room.rules.id, rules: room.rules, event: template as JsonObject };
}
