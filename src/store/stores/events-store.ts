/** Events by ID, and each room's timeline in stream order. */
import type { EventId, RoomId } from '../../core/ids.js';
import type { EventRecord, StateGroupId } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** Options for one page of a room's timeline. */
export interface TimelinePageOptions {
  /** Only events strictly older than this stream order (the previous page's token). */
  before?: number;
  /** At most this many events. */
  limit: number;
}

/** A page of timeline events, newest first, and the token for the next page. */
export interface TimelinePage {
  events: EventRecord[];
  /** Pass as `before` to get the next (older) page; absent when this page is the last. */
  next?: number;
}

/** The `events` object store with its domain verbs. */
export class EventsStore {
  constructor(private readonly store: ObjectStore<'events'>) {}

  /** The stored event, or undefined. */
  get(eventId: EventId): Promise<EventRecord | undefined> {
    return this.store.get(eventId);
  }

  /** The group holding the room state after `eventId`; undefined for an outlier or an unknown event. */
  async stateGroupAfter(eventId: EventId): Promise<StateGroupId | undefined> {
    return (await this.store.get(eventId))?.stateGroup;
  }

  /** True if the event is stored (whatever its status): the idempotency check. */
  async has(eventId: EventId): Promise<boolean> {
    return (await this.store.getKey(eventId)) !== undefined;
  }

  /** Stores a new event; fails (aborting the write) if its ID is already stored. */
  async add(record: EventRecord): Promise<void> {
    await this.store.add(record);
  }

  /** Replaces a stored event's record (an outlier gaining a place, a status change). */
  async put(record: EventRecord): Promise<void> {
    await this.store.put(record);
  }

  /** Records that `redactionId` redacted `eventId`; false if the event is unknown. */
  async markRedacted(eventId: EventId, redactionId: EventId): Promise<boolean> {
    const record = await this.store.get(eventId);
    if (record === undefined) return false;
    await this.store.put({ ...record, redactedBy: redactionId });
    return true;
  }

  /** Records that `editId` is the newest edit of `eventId`; false if the event is unknown. */
  async markEdited(eventId: EventId, editId: EventId): Promise<boolean> {
    const record = await this.store.get(eventId);
    if (record === undefined) return false;
    await this.store.put({ ...record, editedBy: editId });
    return true;
  }

  /** One page of the room's timeline, newest first. Outliers never appear. */
  async timeline(roomId: RoomId, { before, limit }: TimelinePageOptions): Promise<TimelinePage> {
    if (limit < 1) throw new RangeError(`timeline limit must be at least 1, got ${limit}`);
    const upper = before ?? Number.POSITIVE_INFINITY;
    const range = IDBKeyRange.bound(
      [roomId, -Infinity],
      [roomId, upper],
      false,
      before !== undefined,
    );
    // Read one beyond the limit so "is there an older page?" is known exactly.
    // A key cursor jumps to the oldest key of the page, then one getAll reads
    // the page: a few requests instead of one cursor step per event (the
    // timeline read was half of a message's time on the receiving node).
    const index = this.store.index('byRoomStream');
    const cursor = await index.openKeyCursor(range, 'prev');
    let page = range;
    if (cursor !== null) {
      const oldest = await cursor.advance(limit);
      if (oldest !== null) {
        page = IDBKeyRange.bound(oldest.key, [roomId, upper], false, before !== undefined);
      }
    }
    const events = cursor === null ? [] : (await index.getAll(page)).reverse();
    if (events.length <= limit) return { events };
    events.pop();
    return { events, next: events.at(-1)?.streamOrder };
  }

  /**
   * The room's newest timeline event that `passOver` does not match: one
   * cursor request, where a one-event page costs three (the room list reads
   * this for every room after every message).
   */
  async newest(
    roomId: RoomId,
    passOver: (record: EventRecord) => boolean,
  ): Promise<EventRecord | undefined> {
    const range = IDBKeyRange.bound([roomId, -Infinity], [roomId, Number.POSITIVE_INFINITY]);
    let cursor = await this.store.index('byRoomStream').openCursor(range, 'prev');
    while (cursor !== null && passOver(cursor.value)) cursor = await cursor.continue();
    return cursor?.value;
  }

  /** The room's events with depth in [min, max], lowest depth first (for backfill). */
  byDepth(roomId: RoomId, min: number, max: number, limit?: number): Promise<EventRecord[]> {
    const range = IDBKeyRange.bound([roomId, min], [roomId, max]);
    return this.store.index('byRoomDepth').getAll(range, limit);
  }
}
