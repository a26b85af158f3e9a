import { proxy, type Remote } from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EduChange } from '../federation/edu/edu-state.js';
import type { RoomSummary } from '../node/api.js';
import type { NodeRemoteApi } from './node-client.js';
import { type RoomPreview, roomPreview, TypingRooms } from './room-list-typing-state.js';

/**
 * Typing notices for the room list: one EDU subscription for every room (the
 * same feed the timeline's RoomEdus reads one room of), and display names
 * read from a room's members the first time someone types there. The host
 * re-renders when who is typing, or a name, changes.
 */
export class RoomListTyping implements ReactiveController {
  #api?: Remote<NodeRemoteApi>;
  #subscription?: Promise<number | undefined>;
  /** Undefined until our user ID is known: until then we cannot leave ourselves out. */
  #state?: TypingRooms;
  /** Rooms whose typing was read once since subscribing. */
  #readRooms = new Set<string>();
  /** Room → user ID → display name, read when someone first types there. */
  #names = new Map<string, Map<string, string>>();
  /** Room → the users whose names were read (with or without a display name). */
  #asked = new Map<string, Set<string>>();
  #naming = new Set<string>();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Follows typing in `rooms` on `api`; call on every update (it only acts on what is new). */
  follow(api: Remote<NodeRemoteApi> | undefined, rooms: readonly RoomSummary[]): void {
    if (api !== this.#api) this.#start(api);
    const state = this.#state;
    if (!api || !state) return;
    for (const room of rooms) {
      if (room.membership !== 'join' || this.#readRooms.has(room.roomId)) continue;
      this.#readRooms.add(room.roomId);
      const token = state.beginRead(room.roomId);
      api.typing(room.roomId).then(
        (userIds) => {
          if (this.#state === state && state.read(room.roomId, userIds, token))
            this.#shown(room.roomId);
        },
        () => undefined,
      );
    }
  }

  /** The second line for `room`: who is typing, else the last message. */
  preview(room: RoomSummary): RoomPreview {
    const typing = this.#state?.typing(room.roomId) ?? [];
    return roomPreview(room, typing, this.#names.get(room.roomId));
  }

  hostConnected(): void {
    // Back on the page: the next update's `follow` subscribes again.
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#start(undefined);
  }

  #start(api: Remote<NodeRemoteApi> | undefined): void {
    const old = this.#api;
    const pending = this.#subscription;
    if (old && pending)
      void pending.then((id) => (id === undefined ? undefined : old.unsubscribeEdus(id)));
    this.#api = api;
    this.#subscription = undefined;
    this.#state = undefined;
    this.#readRooms = new Set();
    this.#names = new Map();
    this.#asked = new Map();
    this.#naming = new Set();
    if (!api) return;
    void api.identity().then(
      ({ userId }) => {
        if (this.#api !== api) return;
        // Listen before reading, so nothing typed in between is missed.
        this.#state = new TypingRooms(userId);
        this.#subscription = api
          .subscribeEdus(proxy((change: EduChange) => this.#changed(api, change)))
          .catch(() => undefined);
        this.host.requestUpdate();
      },
      () => undefined,
    );
  }

  #changed(api: Remote<NodeRemoteApi>, change: EduChange): void {
    if (change.kind !== 'typing' || this.#api !== api || !this.#state) return;
    this.#state.changed(change.roomId, change.userIds);
    this.#shown(change.roomId);
  }

  /** Re-renders, reading the room's names first if someone typing has none yet. */
  #shown(roomId: string): void {
    this.host.requestUpdate();
    const api = this.#api;
    const asked = this.#asked.get(roomId);
    const unnamed = this.#state?.typing(roomId).some((id) => !asked?.has(id)) ?? false;
    if (!api || !unnamed || this.#naming.has(roomId)) return;
    this.#naming.add(roomId);
    api.members(roomId).then(
      (members) => {
        if (this.#api !== api) return;
        this.#naming.delete(roomId);
        const read = new Map<string, string>();
        for (const m of members) if (m.displayName) read.set(m.userId, m.displayName);
        this.#names.set(roomId, read);
        // Asked once, not on every change: a user with no display name is named by their ID.
        this.#asked.set(
          roomId,
          new Set([...members.map((m) => m.userId), ...(this.#state?.typing(roomId) ?? [])]),
        );
        this.host.requestUpdate();
      },
      () => this.#naming.delete(roomId),
    );
  }
}
