/**
 * Invites our users received from other servers for rooms we hold no DAG of
 * (server-server API v2 invite): the invite event (signed by the inviting
 * server and by us) and the stripped state that came with it. The room list
 * shows each as a room with membership `invite` until the user joins
 * (the joined room replaces it) or rejects it (make_leave/send_leave).
 *
 * Held in memory: the store has no object store for them yet (a schema
 * migration, see doc/federation.md "Invites, leaves and knocks"), so a reopened node
 * forgets invites it has not acted on.
 */
import type { EventId } from '../../core/ids.js';
import type { Pdu } from '../../core/pdu.js';
import type { RoomSummary, TimelineItem } from '../api.js';
import { type StrippedStateEvent, strippedContent } from './stripped-state.js';

/** One invite received over federation. */
export interface ReceivedInvite {
  roomId: string;
  roomVersion: string;
  eventId: EventId;
  /** The invite as we signed it (the inviting server's signature and ours). */
  event: Pdu;
  /** The invite's sender. */
  inviter: string;
  /** `invite_room_state` as received (four fields per event). */
  strippedState: StrippedStateEvent[];
  /** When we received it (our clock). */
  receivedTs: number;
}

/** The received invites, one per room (a newer invite replaces an older one). */
export class InviteBox {
  private readonly byRoom = new Map<string, ReceivedInvite>();

  put(invite: ReceivedInvite): void {
    this.byRoom.set(invite.roomId, structuredClone(invite));
  }

  get(roomId: string): ReceivedInvite | undefined {
    const found = this.byRoom.get(roomId);
    return found === undefined ? undefined : structuredClone(found);
  }

  /** True when there was one. */
  remove(roomId: string): boolean {
    return this.byRoom.delete(roomId);
  }

  /** Newest first. */
  all(): ReceivedInvite[] {
    return [...this.byRoom.values()]
      .sort((a, b) => b.receivedTs - a.receivedTs || (a.roomId < b.roomId ? -1 : 1))
      .map((invite) => structuredClone(invite));
  }
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
  const joined = new Set(rooms.filter((r) => r.membership === 'join').map((r) => r.roomId));
  const shown = invites.filter((invite) => !joined.has(invite.roomId));
  const invited = new Set(shown.map((invite) => invite.roomId));
  return [...shown.map(inviteSummary), ...rooms.filter((room) => !invited.has(room.roomId))];
}
