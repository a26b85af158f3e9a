import { proxy, type Remote } from 'comlink';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EduChange } from '../federation/edu/edu-state.js';
import { shortUserId } from './describe-event.js';
import type { NodeRemoteApi } from './node-client.js';

/**
 * Typing notices and read receipts of the room a view shows, in display names,
 * for the timeline's "is typing" line and "Seen by" marks. One EDU
 * subscription per view; other users only (our own typing and receipts are
 * what we sent). Names come from the room's members, read when the room or
 * the set of users changes.
 */
export class RoomEdus implements ReactiveController {
  /** Who is typing now, by name. */
  typingNames: string[] = [];
  /** Event ID → the names of users whose latest receipt is that event. */
  readUpTo: ReadonlyMap<string, readonly string[]> = new Map();

  #api?: Remote<NodeRemoteApi>;
  #subscription?: Promise<number | undefined>;
  #roomId = '';
  #me = '';
  #names = new Map<string, string>();

  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** Follows `roomId` on `api` for the local user `me`. */
  follow(api: Remote<NodeRemoteApi> | undefined, roomId: string, me: string): void {
    if (api !== this.#api) {
      this.#stop();
      this.#api = api;
      this.#subscription = api
        ?.subscribeEdus(proxy((change: EduChange) => void this.#changed(change)))
        .catch(() => undefined);
    }
    if (roomId !== this.#roomId || me !== this.#me) {
      this.#roomId = roomId;
      this.#me = me;
      this.#names = new Map();
      void this.#refresh();
    }
  }

  hostDisconnected(): void {
    this.#stop();
  }

  #stop(): void {
    const api = this.#api;
    const pending = this.#subscription;
    this.#api = undefined;
    this.#subscription = undefined;
    if (api && pending) {
      void pending.then((id) => (id === undefined ? undefined : api.unsubscribeEdus(id)));
    }
  }

  async #changed(change: EduChange): Promise<void> {
    if (change.roomId === this.#roomId) await this.#refresh();
  }

  async #refresh(): Promise<void> {
    const api = this.#api;
    const roomId = this.#roomId;
    if (!api || !roomId) return;
    try {
      const [typing, receipts] = await Promise.all([api.typing(roomId), api.receipts(roomId)]);
      const others = (id: string) => id !== this.#me;
      const users = [...typing.filter(others), ...receipts.map((r) => r.userId).filter(others)];
      if (users.some((user) => !this.#names.has(user))) {
        for (const member of await api.members(roomId)) {
          this.#names.set(member.userId, member.displayName ?? shortUserId(member.userId));
        }
      }
      if (roomId !== this.#roomId) return;
      const name = (user: string) => this.#names.get(user) ?? shortUserId(user);
      this.typingNames = typing.filter(others).map(name);
      const byEvent = new Map<string, string[]>();
      for (const receipt of receipts) {
        if (!others(receipt.userId)) continue;
        for (const eventId of receipt.eventIds) {
          byEvent.set(eventId, [...(byEvent.get(eventId) ?? []), name(receipt.userId)]);
        }
      }
      this.readUpTo = byEvent;
      this.host.requestUpdate();
    } catch {
      // Not on the federation yet, or the room went away: nothing to show.
    }
  }
}
