/**
 * Subscribers to node changes. Numeric IDs, because a listener that crossed
 * comlink is a new proxy each time and cannot be compared. Changes are only
 * ever emitted after a commit; a listener that throws (or whose worker proxy
 * has gone) cannot stop the others from hearing.
 */
import type { EventId, RoomId } from '../core/ids.js';
import type { Pdu } from '../core/pdu.js';
import type { NodeChange, NodeListener } from './api.js';

/** Accepted events just committed to a room, with their PDUs, in commit order. */
export interface CommittedEvents {
  roomId: RoomId;
  events: readonly { eventId: EventId; pdu: Pdu }[];
}

/** Hears accepted events as they commit (in the node's own thread only). */
export type CommittedEventsListener = (committed: CommittedEvents) => void;

/** The listeners of one node. */
export class ChangeHub {
  private readonly listeners = new Map<number, NodeListener>();
  private readonly committedListeners = new Set<CommittedEventsListener>();
  private nextId = 1;

  /**
   * Adds a listener for accepted events as they commit, with their PDUs
   * (the local user's, and those that came in from other servers): the
   * federation queues ours for other servers without reading them back from
   * the store, which would cost each message a round trip to IndexedDB.
   * Returns the function that removes it.
   */
  onCommittedEvents(listener: CommittedEventsListener): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /** Tells committed-event listeners; called just before the commit's `emit`. */
  emitCommittedEvents(committed: CommittedEvents): void {
    for (const listener of [...this.committedListeners]) {
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
    this.committedListeners.clear();
  }
}
