/**
 * The write path every local operation shares: one room at a time, prepare
 * the batch in memory (prepare-batch.ts), write it in one transaction
 * (append-local-events.ts), then — only after the commit — update the room's
 * in-memory state and tell subscribers. A refusal or a failed write leaves
 * both the store and the in-memory state as they were.
 */
import { MatrixError } from '../core/errors.js';
import type { EventId, RoomId, UserId } from '../core/ids.js';
import type { IdentityRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { NodeChange } from './api.js';
import { type AppendExtras, appendLocalEvents } from './append-local-events.js';
import type { LocalDraft } from './build-local-event.js';
import type { ChangeHub } from './change-hub.js';
import type { RoomPlan } from './create-room-drafts.js';
import { type RandomBytes, userIdOf } from './identity.js';
import { KeyedLock } from './keyed-lock.js';
import type { LocalSendOutbox } from './local-send-outbox.js';
import { type PreparedBatch, prepareBatch } from './prepare-batch.js';
import type { RoomCache, RoomCaches } from './room-cache.js';
import { displayNameOf, joinedUsers } from './room-views.js';
import { freshItems } from './timeline-view.js';
import { emptyState } from './working-state.js';

/** What the writer needs from its node. */
export interface WriterContext {
  store: Store;
  rooms: RoomCaches;
  hub: ChangeHub;
  identity: () => IdentityRecord;
  now: () => number;
  random: RandomBytes;
  /** The federation's outbox, if one is set: it queues each send in the send's transaction. */
  outbox: () => LocalSendOutbox | undefined;
  /** A new room's record is stored (called before anyone hears of it). */
  roomCreated?: (roomId: RoomId) => void;
}

/** Builds the drafts of one operation from the room's current state (may read the store). */
export type DraftMaker = (room: RoomCache) => LocalDraft[] | Promise<LocalDraft[]>;

/** Sends the local user's events. */
export class LocalWriter {
  private readonly lock = new KeyedLock();

  constructor(private readonly context: WriterContext) {}

  /** Runs `fn` with `roomId` locked against other writes (for non-event writes such as markRead). */
  exclusive<T>(roomId: string, fn: () => Promise<T>): Promise<T> {
    return this.lock.run(roomId, fn);
  }

  /** Sends the drafts `make` returns to `roomId` as one batch; returns their event IDs. */
  submit(roomId: string, make: DraftMaker, extras: AppendExtras = {}): Promise<EventId[]> {
    return this.lock.run(roomId, async () => {
      const room = await this.context.rooms.require(roomId);
      const drafts = await make(room);
      const batch = await prepareBatch(
        {
          roomId: room.record.roomId,
          rules: room.rules,
          heads: room.record.heads,
          depth: room.depth,
          state: room,
        },
        drafts,
        this.signer(),
      );
      const result = await appendLocalEvents(
        this.context.store,
        batch,
        room.record,
        this.withOutbox(extras, batch, () => joinedUsers(room)),
      );
      // Committed: now, and only now, the in-memory state moves on.
      result.afterCommit?.();
      batch.state.applyTo(room.state, room.events);
      room.record = result.record;
      room.depth = batch.depth;
      this.announce(batch, result.streamOrders, room);
      return batch.events.map((e) => e.eventId);
    });
  }

  /** Creates a room from `plan` in one batch; returns its room ID. */
  async createRoom(plan: RoomPlan): Promise<RoomId> {
    // A version 12 room ID is the hash of its create event, which holds nothing
    // random: two rooms created alike in the same millisecond would get one ID.
    // The second then moves its timestamps on by a millisecond and tries again.
    for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
      const created = await this.tryCreateRoom(plan, attempt);
      if (created !== undefined) return created;
    }
    throw new MatrixError('M_UNKNOWN', 'Could not give the new room an ID of its own; try again');
  }

  /** Creates the room with timestamps `offsetMs` later; undefined if its ID is taken. */
  private async tryCreateRoom(plan: RoomPlan, offsetMs: number): Promise<RoomId | undefined> {
    const identity = this.context.identity();
    // Versions 10/11: an opaque local part under our name; version 12: the create event's hash.
    const roomId = plan.rules.roomIdIsCreateEventHash
      ? undefined
      : (`!${opaque(this.context.random(18))}:${identity.serverName}` as RoomId);
    const start = { roomId, rules: plan.rules, heads: [], depth: 0, state: emptyState };
    const signer = this.signer();
    const now = signer.now;
    const batch = await prepareBatch(start, plan.drafts, {
      ...signer,
      now: () => now() + offsetMs,
    });
    const aliases =
      plan.alias === undefined
        ? []
        : [{ alias: plan.alias, roomId: batch.roomId, servers: [identity.serverName] }];
    return this.lock.run(batch.roomId, async () => {
      if ((await this.context.rooms.get(batch.roomId)) !== undefined) return undefined;
      // A new room has nobody joined before its events: only invitees' servers hear of it.
      const extras = this.withOutbox({ aliases }, batch, () => []);
      const result = await appendLocalEvents(this.context.store, batch, undefined, extras);
      result.afterCommit?.();
      const room: RoomCache = {
        record: result.record,
        rules: plan.rules,
        state: new Map(),
        events: new Map(),
        depth: batch.depth,
      };
      batch.state.applyTo(room.state, room.events);
      this.context.rooms.install(room);
      this.context.roomCreated?.(batch.roomId);
      this.announce(batch, result.streamOrders, room);
      return batch.roomId;
    });
  }

  /** `extras` with the outbox's writes for `batch`, when there is an outbox. */
  private withOutbox(
    extras: AppendExtras,
    batch: PreparedBatch,
    joined: () => string[],
  ): AppendExtras {
    const outbox = this.context.outbox();
    if (outbox === undefined) return extras;
    const send = { roomId: batch.roomId, events: batch.events, joinedUsers: joined };
    return { ...extras, outbox: (txn) => outbox.queue(txn, send) };
  }

  private signer(): { identity: IdentityRecord; userId: UserId; now: () => number } {
    const identity = this.context.identity();
    return { identity, userId: userIdOf(identity), now: this.context.now };
  }

  /** Tells listeners about a committed batch; `room` holds the state after it. */
  private announce(batch: PreparedBatch, streamOrders: readonly number[], room: RoomCache): void {
    const timeline: NodeChange = {
      kind: 'timeline',
      roomId: batch.roomId,
      eventIds: batch.events.map((e) => e.eventId),
    };
    const items = freshItems(
      batch.events.map((e, i) => ({
        eventId: e.eventId,
        pdu: e.pdu,
        streamOrder: streamOrders[i]!,
      })),
      (user) => displayNameOf(room, user),
    );
    if (items !== undefined) timeline.items = items;
    room.newest = items?.at(-1);
    const changes: NodeChange[] = [timeline];
    if (batch.state.changes.size > 0) changes.push({ kind: 'state', roomId: batch.roomId });
    changes.push({ kind: 'rooms' });
    this.context.hub.emitCommittedEvents({ roomId: batch.roomId, events: batch.events });
    this.context.hub.emit(changes);
  }
}

/** Attempts at a free room ID before giving up (each one a millisecond later). */
const MAX_CREATE_ATTEMPTS = 8;

const opaqueAlphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Random letters for a room ID's local part. */
function opaque(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => opaqueAlphabet[b % opaqueAlphabet.length]).join('');
}
