import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../../src/core/state-res/binary-heap.js';

describe('MinHeap', () => {
  it('pops every pushed item in ascending order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (values) => {
        const heap = new MinHeap<number>((a, b) => a - b);
        for (const value of values) heap.push(value);
        expect(heap.size).toBe(values.length);
        const out: number[] = [];
        for (let v = heap.pop(); v !== undefined; v = heap.pop()) out.push(v);
        expect(out).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });

  it('pops undefined when empty', () => {
    expect(new MinHeap<number>((a, b) => a - b).pop()).toBeUndefined();
  });
});
