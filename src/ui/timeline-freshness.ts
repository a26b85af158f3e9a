import type { TimelineItem } from '../node/api.js';

/**
 * Which held items may be stale. Each node change to the room starts a new
 * generation; each item remembers the generation it was read at. An edit or
 * a redaction changes old items, so an item read before the latest change is
 * read again when it comes into view.
 */
export class ReadGenerations {
  #generation = 0;
  /** The generation at which each held event was last read. */
  readonly #readAt = new Map<string, number>();

  /** The latest generation: 0 until the room first changed. */
  get current(): number {
    return this.#generation;
  }

  /** The room changed on the node: every item read before may be stale. */
  changed(): void {
    this.#generation++;
  }

  /** `items` were read when `generation` was the latest (a read takes a while). */
  mark(items: readonly TimelineItem[], generation: number): void {
    for (const item of items) this.#readAt.set(item.eventId, generation);
  }

  /** `items` are no longer held. */
  forget(items: readonly TimelineItem[]): void {
    for (const item of items) this.#readAt.delete(item.eventId);
  }

  /** Nothing is held (a new room, or the window started again). */
  clear(): void {
    this.#readAt.clear();
  }

  /** Whether the event was read before the latest change (or never). */
  isStale(eventId: string): boolean {
    return (this.#readAt.get(eventId) ?? -1) < this.#generation;
  }
}
