/**
 * A binary min-heap under a comparator: O(log n) push and pop, so Kahn's
 * algorithm picks the smallest ready vertex without re-sorting each step.
 */
export class MinHeap<T> {
  private readonly items: T[] = [];

  constructor(private readonly compare: (a: T, b: T) => number) {}

  /** Number of items held. */
  get size(): number {
    return this.items.length;
  }

  /** Adds an item. */
  push(item: T): void {
    const items = this.items;
    items.push(item);
    let at = items.length - 1;
    while (at > 0) {
      const up = (at - 1) >> 1;
      if (this.compare(items[at] as T, items[up] as T) >= 0) break;
      this.swap(at, up);
      at = up;
    }
  }

  /** Removes and returns the smallest item, or undefined when empty. */
  pop(): T | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      const right = left + 1;
      let smallest = at;
      if (left < items.length && this.compare(items[left] as T, items[smallest] as T) < 0) {
        smallest = left;
      }
      if (right < items.length && this.compare(items[right] as T, items[smallest] as T) < 0) {
        smallest = right;
      }
      if (smallest === at) return top;
      this.swap(at, smallest);
      at = smallest;
    }
  }

  private swap(i: number, j: number): void {
    const items = this.items;
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
}
