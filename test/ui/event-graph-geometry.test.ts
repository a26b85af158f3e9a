import { describe, expect, it } from 'vitest';
import { boundNodes, LAYOUT_NODES_PER_LIMIT } from '../../src/ui/event-graph-geometry.js';

describe('boundNodes', () => {
  it('keeps a graph within the bound as it is', () => {
    const nodes = ['a', 'b', 'c'];
    expect(boundNodes(nodes, 3)).toEqual(nodes);
    expect(boundNodes([], 3)).toEqual([]);
  });

  it('drops the oldest extras first and keeps the whole timeline window', () => {
    // roomGraph's order: events without a stream order (oldest first), then the window.
    const offStream = Array.from({ length: 1200 }, (_, i) => `off${i}`);
    const window = Array.from({ length: 500 }, (_, i) => `t${i}`);
    const bounded = boundNodes([...offStream, ...window], LAYOUT_NODES_PER_LIMIT * 500);
    expect(bounded).toHaveLength(1000);
    expect(bounded.slice(-500)).toEqual(window);
    expect(bounded[0]).toBe('off700');
  });
});
