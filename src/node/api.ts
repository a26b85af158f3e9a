/**
 * The node's API: what the worker exposes over comlink and the UI calls. Plain
 * structured-cloneable data in and out (no classes, no Maps), so it crosses the
 * worker boundary unchanged. Errors are MatrixError subclasses; across comlink
 * they arrive as `{name, message, errcode}` (see src/worker/error-transfer.ts).
 */
import type { JsonObject } from '../core/json.js';
import type { RoomVersionId } from '../core/room-versions.js';
import type { EventStatus } from '../store/records.js';
import type { RoomGraph, RoomGraphOptions } from './room-graph.js';

/** Who this node is. */
export interface IdentityInfo {
  /** The node's server name (derived from its identity key; see server-name.ts). */
  serverName: string;
  /** The local user, `@<localpart>:<serverName>`. */
  userId: string;
  /** The current signing key ID, `ed25519:...`. */
  keyId: string;
  /** The identity public key, unpadded base64. */
  publicKey: string;
  displayName?: string;
  avatarUrl?: string;
}

/** Room creation presets, as the client-server API names them. */
export type RoomPreset = 'private_chat' | 'public_chat' | 'trusted_private_chat';

/** Options for createRoom; everything optional. */
export interface CreateRoomOptions {
  /** Default `private_chat`. */
  preset?: RoomPreset;
  name?: string;
  topic?: string;
  /** Default DEFAULT_ROOM_VERSION (12). */
  roomVersion?: RoomVersionId;
  /** A local alias, `#name:<our server name>`, set as the canonical alias. */
  alias?: string;
  /** Users to invite after creation. */
  invite?: string[];
}

/** The message types a user can send from the composer. */
export type MessageType = 'm.text' | 'm.notice' | 'm.emote';

/** A message to send. `formattedBody` is HTML (`org.matrix.custom.html`). */
export interface MessageInput {
  msgtype: MessageType;
  body: string;
  formattedBody?: string;
}

/** A user's membership in a room. */
export type Membership = 'join' | 'invite' | 'leave' | 'ban' | 'knock';

/** One event as the timeline shows it. */
export interface TimelineItem {
  eventId: string;
  type: string;
  sender: string;
  /** The sender's display name from the room state, if any. */
  senderName?: string;
  originServerTs: number;
  /** For an edited message, the newest edit's `m.new_content`; for a redacted event, {}. */
  content: JsonObject;
  stateKey?: string;
  status: EventStatus;
  /** Why the event was rejected or soft-failed. */
  statusReason?: string;
  /** Set when a redaction removed the content. */
  redactedBy?: string;
  /** Set when the content shown is an edit: the edit event's ID and time. */
  editedBy?: { eventId: string; originServerTs: number };
  /** The node's stream position of this event. */
  streamOrder: number;
}

/** A page of timeline items, newest first. */
export interface TimelinePage {
  items: TimelineItem[];
  /** Pass as `from` for the next (older) page; absent when there is none. */
  next?: string;
}

/** What the room list shows for one room. */
export interface RoomSummary {
  roomId: string;
  roomVersion: string;
  name?: string;
  topic?: string;
  canonicalAlias?: string;
  /** The local user's membership. */
  membership: Membership;
  joinedMembers: number;
  /** The newest timeline item (edits/redactions applied). */
  lastEvent?: TimelineItem;
  /** Timeline messages from others since the user last read the room. */
  unreadCount: number;
}

/** One state event of the current state. */
export interface StateEntry {
  type: string;
  stateKey: string;
  eventId: string;
  sender: string;
  content: JsonObject;
}

/** The current state of a room, with the commonly used parts pulled out. */
export interface RoomStateView {
  roomId: string;
  roomVersion: string;
  name?: string;
  topic?: string;
  avatarUrl?: string;
  canonicalAlias?: string;
  /** `m.room.join_rules` join_rule; 'invite' when unset. */
  joinRule: string;
  /** `m.room.history_visibility`; 'shared' when unset. */
  historyVisibility: string;
  /** The power-levels content (empty object when there is none). */
  powerLevels: JsonObject;
  /** Room version 12: the creators (sender + additional_creators), who have infinite power. */
  creators: string[];
  /** The forward extremities. */
  heads: string[];
  /** Every state event. */
  state: StateEntry[];
}

/** A member and their power. */
export interface MemberInfo {
  userId: string;
  membership: Membership;
  displayName?: string;
  avatarUrl?: string;
  /** Their power level; `Infinity` is sent as null for v12 creators. */
  powerLevel: number | null;
}

/** What changed, for subscribers: the UI re-reads what it shows. */
export type NodeChange =
  /** Something a room list shows changed: every write to a room or an invite ends with one. */
  | { kind: 'rooms' }
  | {
      kind: 'timeline';
      roomId: string;
      eventIds: string[];
      /**
       * The new events as timeline items (oldest first), when they change no
       * older item: a view at the bottom can show them without a read.
       */
      items?: TimelineItem[];
    }
  | { kind: 'state'; roomId: string }
  | { kind: 'identity' };

/** A change listener. Across comlink it is a `Comlink.proxy`. */
export type NodeListener = (change: NodeChange) => void;

/** The node's API. Every method validates its input and throws a MatrixError with words a user can read. */
export interface NodeApi {
  identity(): Promise<IdentityInfo>;
  setProfile(profile: { displayName?: string; avatarUrl?: string }): Promise<void>;
  /** The identity as a JSON file's text (see identity-file.ts): the secret key is in it. */
  exportIdentity(): Promise<string>;

  createRoom(options: CreateRoomOptions): Promise<string>;
  sendMessage(roomId: string, message: MessageInput): Promise<string>;
  /** Several messages signed, authorised and stored in one IndexedDB transaction. */
  sendMessages(roomId: string, messages: MessageInput[]): Promise<string[]>;
  /** An `m.replace` edit of one of the user's own messages. */
  editMessage(roomId: string, eventId: string, message: MessageInput): Promise<string>;
  /** Any state event; the helpers below are the common ones. */
  setState(roomId: string, type: string, stateKey: string, content: JsonObject): Promise<string>;
  setName(roomId: string, name: string): Promise<string>;
  setTopic(roomId: string, topic: string): Promise<string>;
  setAvatar(roomId: string, url: string): Promise<string>;
  setJoinRule(roomId: string, joinRule: 'public' | 'invite' | 'knock'): Promise<string>;
  setHistoryVisibility(
    roomId: string,
    visibility: 'invited' | 'joined' | 'shared' | 'world_readable',
  ): Promise<string>;
  setPowerLevel(roomId: string, userId: string, level: number): Promise<string>;
  setCanonicalAlias(roomId: string, alias: string | null): Promise<string>;
  invite(roomId: string, userId: string, reason?: string): Promise<string>;
  kick(roomId: string, userId: string, reason?: string): Promise<string>;
  ban(roomId: string, userId: string, reason?: string): Promise<string>;
  unban(roomId: string, userId: string, reason?: string): Promise<string>;
  leave(roomId: string, reason?: string): Promise<string>;
  redact(roomId: string, eventId: string, reason?: string): Promise<string>;

  rooms(): Promise<RoomSummary[]>;
  /** Newest first; `from` is a previous page's `next`. */
  timeline(roomId: string, options: { from?: string; limit: number }): Promise<TimelinePage>;
  roomState(roomId: string): Promise<RoomStateView>;
  members(roomId: string): Promise<MemberInfo[]>;
  /** The user has seen the room up to now: its unread count goes to 0. */
  markRead(roomId: string): Promise<void>;

  /** Calls `listener` after every committed change; returns an ID for unsubscribe. */
  /** The newest events of a room as a graph, and its heads (the developer view). */
  roomGraph(roomId: string, options?: RoomGraphOptions): Promise<RoomGraph>;
  /** One stored event's PDU (with event_id), or undefined. */
  graphEvent(roomId: string, eventId: string): Promise<JsonObject | undefined>;
  /** A short digest of the room's current resolved state, to compare nodes at a glance. */
  stateDigest(roomId: string): Promise<string>;
  subscribe(listener: NodeListener): Promise<number>;
  unsubscribe(id: number): Promise<void>;
}
