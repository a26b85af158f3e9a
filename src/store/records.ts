/**
 * The values kept in each object store. Plain structured-cloneable data: no
 * classes, no functions, so what goes in comes back equal after a reopen.
 */
import type { EventId, KeyId, RoomId, ServerName } from '../core/ids.js';
import type { JsonObject } from '../core/json.js';
import type { Pdu, StateKey } from '../core/pdu.js';

/** How the node judged an event (DESIGN: rejected and soft-failed are kept, as such). */
export type EventStatus = 'accepted' | 'rejected' | 'soft_failed' | 'outlier';

/** An event as stored, keyed by its ID. */
export interface EventRecord {
  eventId: EventId;
  roomId: RoomId;
  pdu: Pdu;
  /**
   * Position in this node's stream (a global counter, see `counters`). Absent for
   * outliers: they are known but not part of the timeline, and a missing key
   * leaves them out of the `byRoomStream` index.
   */
  streamOrder?: number;
  depth: number;
  status: EventStatus;
  /** Why the event was rejected or soft-failed, for humans. */
  rejectionReason?: string;
  /** The redaction event that redacted this one, once one is accepted. */
  redactedBy?: EventId;
  /** The newest `m.replace` edit of this event by its own sender, if any. */
  editedBy?: EventId;
  /**
   * The state group holding the room state after this event. Absent for
   * outliers (no place in the room's graph, so no state after them). Kept on the
   * event's own record rather than in a store of its own: one record per event.
   */
  stateGroup?: StateGroupId;
}

/** A state group's ID, allocated by IndexedDB (auto-increment), never reused. */
export type StateGroupId = number & { readonly __brand: 'StateGroupId' };

/**
 * One state group: either a snapshot (`prevGroup` absent, `delta` holds the full
 * state) or a delta on top of `prevGroup`, where `null` removes a key.
 */
export interface StateGroupRecord {
  roomId: RoomId;
  prevGroup?: StateGroupId;
  delta: Record<StateKey, EventId | null>;
  /** Number of deltas between this group and its snapshot (0 for a snapshot). */
  depthFromSnapshot: number;
}

/** What the node knows about one room it participates in. */
export interface RoomRecord {
  roomId: RoomId;
  roomVersion: string;
  /** Forward extremities: events with no known successor, the next prev_events. */
  heads: EventId[];
  /** State after the current heads (resolved across them). */
  stateGroup: StateGroupId;
  /** Stream order of the newest timeline event in the room. */
  streamPosition: number;
  unreadCount: number;
  lastEventId: EventId;
}

/** A message waiting to be sent to one destination. */
export interface OutboundItem {
  destination: ServerName;
  kind: 'pdu' | 'edu';
  payload: JsonObject;
}

/** A queued outbound item with its sequence number (the order it is sent in). */
export interface QueuedOutbound extends OutboundItem {
  seq: number;
}

/** A transaction received from `origin`, kept so a replay gets the same answer. */
export interface ReceivedTxnRecord {
  origin: ServerName;
  txnId: string;
  /** The response body sent the first time (the per-PDU results). */
  result: JsonObject;
  receivedTs: number;
}

/** A verify key of another server, as fetched (or of our own old keys). */
export interface ServerKeyRecord {
  serverName: ServerName;
  keyId: KeyId;
  /** Unpadded base64 Ed25519 public key. */
  publicKey: string;
  validUntilTs: number;
  /** Set for keys listed in `old_verify_keys`. */
  expiredTs?: number;
}

/** A room alias and the servers that can resolve joins through it. */
export interface AliasRecord {
  alias: string;
  roomId: RoomId;
  servers: ServerName[];
}

/** A state event as an invite carries it: four fields (the spec's "stripped state"). */
export interface StrippedStateRecord {
  type: string;
  state_key: string;
  sender: string;
  content: JsonObject;
}

/**
 * An invite our user received from another server for a room we hold no DAG
 * of (v2 invite): kept until the user joins or rejects it.
 */
export interface InviteRecord {
  roomId: RoomId;
  roomVersion: string;
  eventId: EventId;
  /** The invite as we signed it (the inviting server's signature and ours). */
  event: Pdu;
  /** The invite's sender. */
  inviter: string;
  /** `invite_room_state` as received. */
  strippedState: StrippedStateRecord[];
  /** When we received it (our clock). */
  receivedTs: number;
}

/** A room listed in this node's public room directory. */
export interface DirectoryRecord {
  roomId: RoomId;
  publishedTs: number;
}

/** This node's identity: one record. */
export interface IdentityRecord {
  serverName: ServerName;
  /** The local user's localpart (`@<localpart>:<serverName>`); absent only in records written before the node layer. */
  localpart?: string;
  /** The current signing key: 32-byte Ed25519 seed and its `ed25519:` key ID. */
  signingKey: { keyId: KeyId; seed: Uint8Array };
  /** Rotated-out keys, served as `old_verify_keys`. */
  oldKeys: { keyId: KeyId; publicKey: string; expiredTs: number }[];
  /** The local user's profile. */
  profile: { displayName?: string; avatarUrl?: string };
}
