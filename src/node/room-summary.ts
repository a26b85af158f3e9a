/**
 * One room-list entry: names from the state in memory, the newest timeline
 * item (edits and redactions applied) from the store.
 */
import type { UserId } from '../core/ids.js';
import type { Store } from '../store/store.js';
import type { RoomSummary } from './api.js';
import type { RoomCache } from './room-cache.js';
import { displayNameOf, joinedCount, membershipOf, stateText } from './room-views.js';
import { newestItem } from './timeline-view.js';

/** The summary of `room` as the local user `self` sees it. */
export async function roomSummary(
  store: Store,
  room: RoomCache,
  self: UserId,
): Promise<RoomSummary> {
  const { record } = room;
  // Kept by the last write when it could say (no edit, no redaction): no read.
  // A read is not kept: a write committing meanwhile would be overwritten.
  const last =
    room.newest ?? (await newestItem(store, record.roomId, (user) => displayNameOf(room, user)));
  const summary: RoomSummary = {
    roomId: record.roomId,
    roomVersion: record.roomVersion,
    membership: membershipOf(room, self),
    joinedMembers: joinedCount(room),
    unreadCount: record.unreadCount,
  };
  const name = stateText(room, 'm.room.name', 'name');
  const topic = stateText(room, 'm.room.topic', 'topic');
  const alias = stateText(room, 'm.room.canonical_alias', 'alias');
  if (name !== undefined) summary.name = name;
  if (topic !== undefined) summary.topic = topic;
  if (alias !== undefined) summary.canonicalAlias = alias;
  if (last !== undefined) summary.lastEvent = last;
  return summary;
}
