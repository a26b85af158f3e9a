/**
 * The room IDs and received invites the room list shows, kept in memory: the
 * list is read again after every message, and both change only through the
 * node's own writes (a room created or joined; an invite kept or dropped),
 * which say so here. Until first read, and when a change raced a read, they
 * come from the store.
 */
import type { RoomId } from '../core/ids.js';
import type { Store } from '../store/store.js';
import { newestFirst, type ReceivedInvite } from './membership/received-invites.js';

export class ListedRooms {
  #rooms: readonly RoomId[] | undefined;
  #roomChanges = 0;
  #invites: readonly ReceivedInvite[] | undefined;
  #inviteChanges = 0;

  constructor(private readonly store: Store) {}

  /** Every room this node has a record of. */
  async roomIds(): Promise<RoomId[]> {
    if (this.#rooms !== undefined) return [...this.#rooms];
    const changes = this.#roomChanges;
    const ids = await this.store.read(['rooms'], (txn) => txn.rooms.ids());
    // A room added while this read was out may be missing from it: not kept.
    if (changes === this.#roomChanges) this.#rooms = ids;
    return [...ids];
  }

  /** A room's record was written for the first time (created, or joined over federation). */
  roomAdded(roomId: RoomId): void {
    this.#roomChanges++;
    if (this.#rooms !== undefined && !this.#rooms.includes(roomId)) {
      this.#rooms = [...this.#rooms, roomId];
    }
  }

  /** The invites received over federation, newest first. */
  async invites(): Promise<ReceivedInvite[]> {
    if (this.#invites !== undefined) return [...this.#invites];
    const changes = this.#inviteChanges;
    const invites = newestFirst(await this.store.read(['invites'], (txn) => txn.invites.list()));
    if (changes === this.#inviteChanges) this.#invites = invites;
    return [...invites];
  }

  /** An invite was kept or dropped: the next reader reads them again. */
  invitesChanged(): void {
    this.#inviteChanges++;
    this.#invites = undefined;
  }
}
