/**
 * TidepoolNode: the homeserver logic for the local user over the store — the
 * NodeApi the worker exposes. Opening reads only the identity; rooms' state is
 * loaded when first touched (room-cache.ts), so a node with a long history is
 * ready at once. Writes go through LocalWriter (validate → prepare in memory →
 * one transaction → update memory → notify); see doc/node.md.
 */
import { InvalidInputError, MatrixError } from '../core/errors.js';
import type { RoomId } from '../core/ids.js';
import { isJsonObject, type JsonObject } from '../core/json.js';
import { stateKeyOf } from '../core/pdu.js';
import type { IdentityRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type {
  CreateRoomOptions,
  IdentityInfo,
  MemberInfo,
  MessageInput,
  NodeApi,
  NodeListener,
  RoomStateView,
  RoomSummary,
  TimelinePage,
} from './api.js';
import { ChangeHub, type CommittedEventsListener } from './change-hub.js';
import { memberContent, planRoom } from './create-room-drafts.js';
import {
  createIdentity,
  cryptoRandomBytes,
  identityInfo,
  type RandomBytes,
  userIdOf,
} from './identity.js';
import { exportIdentityFile } from './identity-file.js';
import { InboundProcessor } from './inbound/inbound-processor.js';
import type { InboundReport, ReceiveOptions } from './inbound/types.js';
import { type JoinedRoom, writeJoinedRoom } from './join/store-joined-room.js';
import { ListedRooms } from './listed-rooms.js';
import type { LocalSendOutbox } from './local-send-outbox.js';
import { LocalWriter } from './local-writer.js';
import { type ReceivedInvite, withInvites } from './membership/received-invites.js';
import {
  editDraft,
  type MembershipAction,
  membershipDraft,
  powerLevelDraft,
  redactionDraft,
} from './operation-drafts.js';
import { RoomCaches } from './room-cache.js';
import { graphEvent, type RoomGraph, type RoomGraphOptions, roomGraph } from './room-graph.js';
import { roomSummary } from './room-summary.js';
import { displayNameOf, memberList, membershipOf, roomStateView } from './room-views.js';
import { stateDigest } from './state-digest.js';
import { readTimeline } from './timeline-view.js';
import {
  checkEventType,
  checkLocalAlias,
  checkName,
  checkOneOf,
  checkText,
  messageContent,
  reasonContent,
} from './validate-input.js';

/** Options for TidepoolNode.open and create. */
export interface TidepoolNodeOptions {
  /** With no identity in the store, create one for this user instead of failing. */
  createIfMissing?: { localpart: string; domain?: string };
  /** The clock for origin_server_ts; default Date.now. */
  now?: () => number;
  /** Randomness for new identities and room IDs; default crypto.getRandomValues. */
  random?: RandomBytes;
}

/** The most messages one sendMessages call may carry (one transaction). */
export const MAX_MESSAGES_PER_BATCH = 1000;

/** The node for the local user. */
export class TidepoolNode implements NodeApi {
  private readonly hub = new ChangeHub();
  private readonly caches: RoomCaches;
  private readonly writer: LocalWriter;
  private readonly inbound: InboundProcessor;
  private readonly now: () => number;
  private outbox: LocalSendOutbox | undefined;
  private readonly listed: ListedRooms;

  private constructor(
    private readonly store: Store,
    private current: IdentityRecord,
    options: TidepoolNodeOptions,
  ) {
    this.caches = new RoomCaches(store);
    this.listed = new ListedRooms(store);
    this.now = options.now ?? Date.now;
    this.writer = new LocalWriter({
      store,
      rooms: this.caches,
      hub: this.hub,
      identity: () => this.current,
      now: options.now ?? Date.now,
      random: options.random ?? cryptoRandomBytes,
      outbox: () => this.outbox,
      roomCreated: (roomId) => this.listed.roomAdded(roomId),
    });
    this.inbound = new InboundProcessor({
      store,
      lock: (roomId, fn) => this.writer.exclusive(roomId, fn),
      committed: (roomId, stateMoved, after) => {
        if (stateMoved) this.caches.invalidate(roomId);
        else if (after !== undefined) {
          this.caches.moveRecord(roomId, after.record, after.depth, after.newest);
        } else this.caches.refresh(roomId);
      },
      roomRecord: (roomId) => this.caches.record(roomId),
      hub: this.hub,
      localUser: () => this.userId,
    });
  }

  /** Opens the node whose identity is in `store` (M_NOT_FOUND if none and no createIfMissing). */
  static async open(store: Store, options: TidepoolNodeOptions = {}): Promise<TidepoolNode> {
    let identity = await store.read(['identity'], (txn) => txn.identity.get());
    if (identity === undefined) {
      if (options.createIfMissing === undefined) {
        throw new MatrixError(
          'M_NOT_FOUND',
          'This node has no identity yet: create a new one or import an identity file',
        );
      }
      const fresh = createIdentity({ ...options.createIfMissing, random: options.random });
      identity = fresh;
      await store.write(['identity'], (txn) => txn.identity.put(fresh));
    }
    return new TidepoolNode(store, identity, options);
  }

  /** Sets up a node with `identity` (new or imported) in `store`, which must not hold another one. */
  static async create(
    store: Store,
    identity: IdentityRecord,
    options: TidepoolNodeOptions = {},
  ): Promise<TidepoolNode> {
    await store.write(['identity'], async (txn) => {
      const existing = await txn.identity.get();
      if (existing !== undefined && existing.serverName !== identity.serverName) {
        throw new InvalidInputError(
          `This database belongs to ${existing.serverName}, not ${identity.serverName}`,
        );
      }
      await txn.identity.put(identity);
    });
    return new TidepoolNode(store, identity, options);
  }

  /** Stops the node: forgets listeners and closes its store. */
  close(): void {
    this.hub.clear();
    this.store.close();
  }

  /**
   * The identity record with its secret key: for the node's own federation
   * layer in the same worker (it signs requests and events). Never send it to
   * the page except as the transport key.
   */
  identityRecord(): IdentityRecord {
    return this.current;
  }

  private get userId() {
    return userIdOf(this.current);
  }

  async identity(): Promise<IdentityInfo> {
    return identityInfo(this.current);
  }

  async setProfile(profile: { displayName?: string; avatarUrl?: string }): Promise<void> {
    if (!isJsonObject(profile as JsonObject)) throw new InvalidInputError('A profile is needed');
    const next = { ...this.current.profile };
    if (profile.displayName !== undefined)
      next.displayName = checkText(profile.displayName, 'display name');
    if (profile.avatarUrl !== undefined)
      next.avatarUrl = checkText(profile.avatarUrl, 'avatar URL');
    const updated: IdentityRecord = { ...this.current, profile: next };
    await this.store.write(['identity'], (txn) => txn.identity.put(updated));
    this.current = updated;
    this.hub.emit([{ kind: 'identity' }]);
    // The spec has profile changes reach every joined room as a new member event.
    const records = await this.store.read(['rooms'], (txn) => txn.rooms.all());
    for (const { roomId } of records) {
      await this.writer.submit(roomId, (room) =>
        membershipOf(room, this.userId) === 'join'
          ? [{ type: 'm.room.member', stateKey: this.userId, content: memberContent('join', next) }]
          : [],
      );
    }
  }

  async exportIdentity(): Promise<string> {
    return exportIdentityFile(this.current);
  }

  async createRoom(options: CreateRoomOptions): Promise<string> {
    const { serverName, profile } = this.current;
    return this.writer.createRoom(planRoom(options ?? {}, this.userId, serverName, profile));
  }

  async sendMessage(roomId: string, message: MessageInput): Promise<string> {
    const [eventId] = await this.sendMessages(roomId, [message]);
    return eventId!;
  }

  async sendMessages(roomId: string, messages: MessageInput[]): Promise<string[]> {
    if (!Array.isArray(messages) || messages.length === 0) {
      throw new InvalidInputError('No messages to send');
    }
    if (messages.length > MAX_MESSAGES_PER_BATCH) {
      throw new InvalidInputError(`At most ${MAX_MESSAGES_PER_BATCH} messages can be sent at once`);
    }
    const contents = messages.map(messageContent);
    return this.writer.submit(roomId, () =>
      contents.map((content) => ({ type: 'm.room.message', content })),
    );
  }

  async editMessage(roomId: string, eventId: string, message: MessageInput): Promise<string> {
    const content = messageContent(message);
    return this.one(roomId, async (room) => {
      const target = await this.store.read(['events'], (txn) => txn.events.get(eventId as never));
      return [editDraft(room, eventId, target, content, this.userId)];
    });
  }

  async setState(
    roomId: string,
    type: string,
    stateKey: string,
    content: JsonObject,
  ): Promise<string> {
    checkEventType(type);
    if (typeof stateKey !== 'string') throw new InvalidInputError('A state key must be text');
    if (!isJsonObject(content)) throw new InvalidInputError('State content must be a JSON object');
    if (type === 'm.room.create') throw new InvalidInputError('A room is created only once');
    return this.one(roomId, () => [{ type, stateKey, content }]);
  }

  async setName(roomId: string, name: string): Promise<string> {
    return this.setState(roomId, 'm.room.name', '', { name: checkName(name) });
  }

  async setTopic(roomId: string, topic: string): Promise<string> {
    return this.setState(roomId, 'm.room.topic', '', { topic: checkText(topic, 'topic') });
  }

  async setAvatar(roomId: string, url: string): Promise<string> {
    return this.setState(roomId, 'm.room.avatar', '', { url: checkText(url, 'avatar URL') });
  }

  async setJoinRule(roomId: string, joinRule: 'public' | 'invite' | 'knock'): Promise<string> {
    const rule = checkOneOf(joinRule, ['public', 'invite', 'knock'], 'join rule');
    return this.setState(roomId, 'm.room.join_rules', '', { join_rule: rule });
  }

  async setHistoryVisibility(
    roomId: string,
    visibility: 'invited' | 'joined' | 'shared' | 'world_readable',
  ): Promise<string> {
    const allowed = ['invited', 'joined', 'shared', 'world_readable'] as const;
    const value = checkOneOf(visibility, allowed, 'history visibility');
    return this.setState(roomId, 'm.room.history_visibility', '', { history_visibility: value });
  }

  async setPowerLevel(roomId: string, userId: string, level: number): Promise<string> {
    return this.one(roomId, (room) => [powerLevelDraft(room, userId, level)]);
  }

  async setCanonicalAlias(roomId: string, alias: string | null): Promise<string> {
    if (alias === null) return this.setState(roomId, 'm.room.canonical_alias', '', {});
    const checked = checkLocalAlias(alias, this.current.serverName);
    const record = { alias: checked, roomId: roomId as RoomId, servers: [this.current.serverName] };
    const content = { alias: checked };
    const [eventId] = await this.writer.submit(
      roomId,
      () => [{ type: 'm.room.canonical_alias', stateKey: '', content }],
      { aliases: [record] },
    );
    return eventId!;
  }

  async invite(roomId: string, userId: string, reason?: string): Promise<string> {
    return this.member(roomId, 'invite', userId, reason);
  }

  async kick(roomId: string, userId: string, reason?: string): Promise<string> {
    return this.member(roomId, 'kick', userId, reason);
  }

  async ban(roomId: string, userId: string, reason?: string): Promise<string> {
    return this.member(roomId, 'ban', userId, reason);
  }

  async unban(roomId: string, userId: string, reason?: string): Promise<string> {
    return this.member(roomId, 'unban', userId, reason);
  }

  async leave(roomId: string, reason?: string): Promise<string> {
    const content = { membership: 'leave', ...reasonContent(reason) };
    return this.one(roomId, () => [{ type: 'm.room.member', stateKey: this.userId, content }]);
  }

  async redact(roomId: string, eventId: string, reason?: string): Promise<string> {
    return this.one(roomId, async (room) => {
      const target = await this.store.read(['events'], (txn) => txn.events.get(eventId as never));
      return [redactionDraft(room, eventId, target, reason, this.userId)];
    });
  }

  async rooms(): Promise<RoomSummary[]> {
    // Every read at once: IndexedDB runs read transactions side by side, and
    // the room list is read again after every message.
    const invites = this.listed.invites();
    invites.catch(() => undefined); // awaited below; a failed room read must not leave it unhandled
    const roomIds = await this.listed.roomIds();
    const read = await Promise.all(
      roomIds.map(async (roomId) => {
        const room = await this.caches.get(roomId);
        return room === undefined ? undefined : roomSummary(this.store, room, this.userId);
      }),
    );
    const summaries = read.filter((summary) => summary !== undefined);
    // Most recent activity first; the room ID breaks ties so the order is stable.
    summaries.sort(
      (a, b) =>
        (b.lastEvent?.streamOrder ?? 0) - (a.lastEvent?.streamOrder ?? 0) ||
        (a.roomId < b.roomId ? -1 : 1),
    );
    return withInvites(summaries, await invites);
  }

  async timeline(roomId: string, options: { from?: string; limit: number }): Promise<TimelinePage> {
    const room = await this.caches.requireState(roomId);
    return readTimeline(this.store, room.record.roomId, options ?? {}, (user) =>
      displayNameOf(room, user),
    );
  }

  async roomState(roomId: string): Promise<RoomStateView> {
    return roomStateView(await this.caches.require(roomId));
  }

  async members(roomId: string): Promise<MemberInfo[]> {
    return memberList(await this.caches.requireState(roomId));
  }

  async markRead(roomId: string): Promise<void> {
    const room = await this.caches.require(roomId);
    const changed = await this.writer.exclusive(roomId, async () => {
      if (room.record.unreadCount === 0) return false;
      const record = { ...room.record, unreadCount: 0 };
      await this.store.write(['rooms'], (txn) => txn.rooms.put(record));
      room.record = record;
      return true;
    });
    if (changed) this.hub.emit([{ kind: 'rooms' }]);
  }

  async roomGraph(roomId: string, options?: RoomGraphOptions): Promise<RoomGraph> {
    return roomGraph(this.store, roomId, options);
  }

  async graphEvent(roomId: string, eventId: string): Promise<JsonObject | undefined> {
    return graphEvent(this.store, roomId, eventId);
  }

  async stateDigest(roomId: string): Promise<string> {
    return stateDigest(this.store, roomId);
  }

  async subscribe(listener: NodeListener): Promise<number> {
    if (typeof listener !== 'function')
      throw new InvalidInputError('A listener must be a function');
    return this.hub.subscribe(listener);
  }

  async unsubscribe(id: number): Promise<void> {
    this.hub.unsubscribe(id);
  }

  /**
   * In-process only (not part of NodeApi): hears each batch of accepted
   * events as it commits (the local user's sends; inbound batches where the
   * inbound path reports them), with the PDUs, before the `timeline` change
   * for it. Returns the function that stops it.
   */
  onCommittedEvents(listener: CommittedEventsListener): () => void {
    return this.hub.onCommittedEvents(listener);
  }

  /**
   * Sets (or, with undefined, removes) the outbox that queues each local send
   * for other servers in the send's own transaction (local-send-outbox.ts).
   */
  setLocalSendOutbox(outbox: LocalSendOutbox | undefined): void {
    this.outbox = outbox;
  }

  /**
   * In-process only: the content of the room's current state event of
   * (type, state key), from the state held in memory, with the room's
   * version; `content` is absent when there is no such event, and the whole
   * answer undefined when this node does not have the room.
   */
  async currentStateContent(
    roomId: string,
    type: string,
    stateKey = '',
  ): Promise<{ roomVersion: string; content?: JsonObject } | undefined> {
    const room = await this.caches.getState(roomId as RoomId);
    if (room === undefined) return undefined;
    const id = room.state.get(stateKeyOf(type, stateKey));
    const content = id === undefined ? undefined : room.events.get(id)?.content;
    return content === undefined
      ? { roomVersion: room.record.roomVersion }
      : { roomVersion: room.record.roomVersion, content };
  }

  /**
   * Runs the spec's checks on PDUs another server sent (a `/send` transaction's
   * `pdus`) and stores what passes, as accepted, rejected or soft-failed; the
   * report's `pdus` is the `/send` answer. See doc/inbound.md.
   */
  receivePdus(origin: string, pdus: unknown[], options: ReceiveOptions): Promise<InboundReport> {
    return this.inbound.receive(origin, pdus, options);
  }

  /**
   * Stores a room joined through another server (a verified send_join answer,
   * see src/federation/join/) in one write, under the room's lock, then tells
   * listeners as for any commit: our join is a new timeline event.
   */
  async installJoinedRoom(joined: JoinedRoom): Promise<void> {
    await this.writer.exclusive(joined.roomId, async () => {
      await writeJoinedRoom(this.store, joined);
      this.caches.invalidate(joined.roomId);
      this.listed.roomAdded(joined.roomId);
    });
    this.hub.emit([
      { kind: 'timeline', roomId: joined.roomId, eventIds: [joined.join.eventId] },
      { kind: 'state', roomId: joined.roomId },
      { kind: 'rooms' },
    ]);
  }

  /**
   * Lists a room in this node's public room directory (served over federation
   * as `/publicRooms`), or takes it off. Only a room we are joined to can be
   * listed; taking one off always works.
   */
  async publishRoom(roomId: string, published: boolean): Promise<void> {
    const room = await this.caches.require(roomId);
    const id = room.record.roomId;
    if (published && membershipOf(room, this.userId) !== 'join') {
      throw new MatrixError('M_FORBIDDEN', `Only a room we are joined to can be listed: ${roomId}`);
    }
    await this.store.write(['directory'], (txn) =>
      published ? txn.directory.publish(id, this.now()) : txn.directory.unpublish(id),
    );
  }

  /**
   * Keeps an invite another server sent our user (a verified, countersigned v2
   * invite; see src/federation/membership/): the room list shows it with
   * membership `invite` until `removeInvite`.
   */
  async storeInvite(invite: ReceivedInvite): Promise<void> {
    await this.store.write(['invites'], (txn) => txn.invites.put(invite));
    // After the commit: a read that raced the write is then not kept.
    this.listed.invitesChanged();
    this.hub.emit([{ kind: 'rooms' }]);
  }

  /** The invites received over federation, newest first. */
  async invites(): Promise<ReceivedInvite[]> {
    return this.listed.invites();
  }

  /** The received invite to `roomId`, if any. */
  async receivedInvite(roomId: string): Promise<ReceivedInvite | undefined> {
    return this.store.read(['invites'], (txn) => txn.invites.get(roomId as RoomId));
  }

  /** Forgets the received invite to `roomId` (joined or rejected); false if there was none. */
  async removeInvite(roomId: string): Promise<boolean> {
    const removed = await this.store.write(['invites'], (txn) =>
      txn.invites.remove(roomId as RoomId),
    );
    this.listed.invitesChanged();
    if (removed) this.hub.emit([{ kind: 'rooms' }]);
    return removed;
  }

  /** Drops the in-memory state of a room that something other than this node wrote (federation). */
  forgetRoomState(roomId: string): void {
    this.caches.invalidate(roomId as RoomId);
  }

  private async member(
    roomId: string,
    action: MembershipAction,
    userId: string,
    reason: string | undefined,
  ): Promise<string> {
    return this.one(roomId, (room) => [membershipDraft(room, action, userId, reason, this.userId)]);
  }

  /** Submits a one-event operation and returns its event ID. */
  private async one(roomId: string, make: Parameters<LocalWriter['submit']>[1]): Promise<string> {
    const [eventId] = await this.writer.submit(roomId, make);
    return eventId!;
  }
}
