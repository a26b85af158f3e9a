/**
 * Subscribers to node changes. Numeric IDs, because a listener that crossed
 * comlink is a new proxy each time and cannot be compared. Changes are only
 * ever emitted after a commit; a listener that throws (or whose worker proxy
 * has gone) cannot stop the others from hearing.
 */
import type { NodeChange, NodeListener } from './api.js';

/** The listeners of one node. */
export class ChangeHub {
  private readonly listeners = new Map<number, NodeListener>();
  private nextId = 1;

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
  }
}
