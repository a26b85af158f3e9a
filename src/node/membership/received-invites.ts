/**
 * Invites our users received from other servers for rooms we hold no DAG of
 * (server-server API v2 invite): the invite event (signed by the inviting
 * server and by us) and the stripped state that came with it. The room list
 * shows each as a room with membership `invite` until the user joins
 * (the joined room replaces it) or rejects it (make_leave/send_leave).
 * They live in the store's `invites` object store (schema v4), so an
 * invite not yet answered survives a closed tab.
 */
import type { InviteRecord } from '../../store/records.js';
import type { RoomSummary, TimelineItem } from '../api.js';
import { strippedContent } from './stripped-state.js';

/** One invite received over federation (stored in the `invites` object store). */
export type ReceivedInvite = InviteRecord;

/** Newest first, the room ID breaking ties. */
export function newestFirst(invites: readonly ReceivedInvite[]): ReceivedInvite[] {
  return [...invites].sort((a, b) => b.receivedTs - a.receivedTs || (a.roomId < b.roomId ? -1 : 1));
}

/** The room-list entry of an invite: names from the stripped state, the invite as its last event. */
export function inviteSummary(invite: ReceivedInvite): RoomSummary {
  const text = (type: string, field: string) => {
    const value = strippedContent(invite.strippedState, type)?.[field];
    return typeof value === 'string' ? value : undefined;
  };
  const summary: RoomSummary = {
    roomId: invite.roomId,
    roomVersion: invite.roomVersion,
    membership: 'invite',
    joinedMembers: 0,
    unreadCount: 0,
    lastEvent: inviteItem(invite),
  };
  const name = text('m.room.name', 'name');
  const topic = text('m.room.topic', 'topic');
  const alias = text('m.room.canonical_alias', 'alias');
  if (name !== undefined) summary.name = name;
  if (topic !== undefined) summary.topic = topic;
  if (alias !== undefined) summary.canonicalAlias = alias;
  return summary;
}

/** The invite event as a timeline item; the inviter's name from their stripped member event. */
function inviteItem(invite: ReceivedInvite): TimelineItem {
  const { event } = invite;
  const item: TimelineItem = {
    eventId: invite.eventId,
    type: event.type,
    sender: event.sender,
    originServerTs: event.origin_server_ts,
    content: event.content,
    stateKey: event.state_key ?? '',
    status: 'accepted',
    // Not in our stream: the room has no timeline here.
    streamOrder: 0,
  };
  const name = strippedContent(invite.strippedState, 'm.room.member', invite.inviter)?.displayname;
  if (typeof name === 'string') item.senderName = name;
  return item;
}

/**
 * The room list with the invites laid over it: invites first (newest first),
 * each replacing the room's entry unless our membership there is `join`
 * (an invite made stale by a join is left out).
 */
export function withInvites(
  rooms: readonly RoomSummary[],
  invites: readonly ReceivedInvite[],
): RoomSummary[] {
  const joined = new Set<string>(rooms.filter((r) => r.membership === 'join').map((r) => r.roomId));
  const shown = invites.filter((invite) => !joined.has(invite.roomId));
  const invited = new Set<string>(shown.map((invite) => invite.roomId));
  return [...shown.map(inviteSummary), ...rooms.filter((room) => !invited.has(room.roomId))];
}
