/**
 * Subscribers to node changes. Numeric IDs, because a listener that crossed
 * comlink is a new proxy each time and cannot be compared. Changes are only
 * ever emitted after a commit; a listener that throws (or whose worker proxy
 * has gone) cannot stop the others from hearing.
 */
import type { EventId, RoomId } from '../core/ids.js';
import type { Pdu } from '../core/pdu.js';
import type { NodeChange, NodeListener } from './api.js';

/** Events the local user just committed to a room, in commit order. */
export interface LocalEvents {
  roomId: RoomId;
  events: readonly { eventId: EventId; pdu: Pdu }[];
}

/** Hears the local user's events as they commit (in the node's own thread only). */
export type LocalEventsListener = (committed: LocalEvents) => void;

/** The listeners of one node. */
export class ChangeHub {
  private readonly listeners = new Map<number, NodeListener>();
  private readonly localListeners = new Set<LocalEventsListener>();
  private nextId = 1;

  /**
   * Adds a listener for the local user's committed events, with their PDUs:
   * the federation queues them for other servers without reading them back
   * from the store, which would cost a message a round trip to IndexedDB.
   * Returns the function that removes it.
   */
  onLocalEvents(listener: LocalEventsListener): () => void {
    this.localListeners.add(listener);
    return () => this.localListeners.delete(listener);
  }

  /** Tells local-event listeners; called just before the commit's `emit`. */
  emitLocalEvents(committed: LocalEvents): void {
    for (const listener of [...this.localListeners]) {
      try {
        listener(committed);
      } catch {
        // One broken listener must not silence the rest.
      }
    }
  }

  /** Adds `listener`; returns its ID. */
  subscribe(listener: NodeListener): number {
    const id = this.nextId++;
    this.listeners.set(id, listener);
    return id;
  }

  /** Removes a listener; unknown IDs are ignored. */
  unsubscribe(id: number): void {
    this.listeners.delete(id);
  }

  /** Tells every listener about `changes`, in order. */
  emit(changes: readonly NodeChange[]): void {
    for (const listener of [...this.listeners.values()]) {
      for (const change of changes) {
        try {
          // A comlink proxy returns a promise: its rejection must not go unhandled.
          const result = listener(change) as unknown;
          if (result instanceof Promise) result.catch(() => undefined);
        } catch {
          // One broken listener must not silence the rest.
        }
      }
    }
  }

  /** Forgets every listener (the node is closing). */
  clear(): void {
    this.listeners.clear();
    this.localListeners.clear();
  }
}
