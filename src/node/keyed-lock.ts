/**
 * Runs operations on one key (a room) one after another. Two sends to a room
 * must not both build on the same heads: the second would fork the room's DAG
 * for no reason and its in-memory state would be stale. Different rooms run
 * concurrently.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `fn` after every earlier `run` for `key` has settled. */
  run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(fn, fn);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    // Drop the entry once idle so the map does not grow with every room ever touched.
    tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
