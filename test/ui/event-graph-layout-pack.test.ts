import { describe, expect, it } from 'vitest';
import { syntheticDag } from '../../bench/event-graph-bench.js';
import { type LayoutInput, layoutGraph } from '../../src/ui/event-graph-layout.js';
import {
  type PackedLayout,
  packedBuffers,
  packLayout,
  unpackLayout,
} from '../../src/ui/event-graph-layout-pack.js';

const ev = (eventId: string, depth: number, ...prevEvents: string[]): LayoutInput => ({
  eventId,
  depth,
  prevEvents,
});

/** Sends `packed` the way the worker does: cloned, its buffers transferred. */
function acrossWorkers(packed: PackedLayout): PackedLayout {
  return structuredClone(packed, { transfer: packedBuffers(packed) });
}

describe('packLayout / unpackLayout', () => {
  it('gives back the same layout after crossing to another thread', () => {
    const nodes = [
      ev('$create', 1),
      ev('$join', 2, '$create'),
      ev('$a', 3, '$join'),
      ev('$b', 3, '$join'),
      ev('$merge', 4, '$a', '$b', '$older'),
    ];
    const layout = layoutGraph(nodes);
    expect(unpackLayout(acrossWorkers(packLayout(layout)))).toEqual(layout);
  });

  it('keeps every position, edge and point of a large forked graph, in order', () => {
    const layout = layoutGraph(syntheticDag(300));
    const back = unpackLayout(acrossWorkers(packLayout(layout)));
    expect([...back.positions.entries()]).toEqual([...layout.positions.entries()]);
    expect(back.edges).toEqual(layout.edges);
    expect(back.edges.length).toBeGreaterThan(300);
    expect([back.width, back.height]).toEqual([layout.width, layout.height]);
  });

  it('transfers the coordinates instead of copying them', () => {
    const packed = packLayout(layoutGraph(syntheticDag(40)));
    const { xy, points } = packed;
    acrossWorkers(packed);
    // A transferred buffer is detached on the sending side.
    expect(xy.byteLength).toBe(0);
    expect(points.byteLength).toBe(0);
  });

  it('packs an empty layout', () => {
    const layout = layoutGraph([]);
    expect(unpackLayout(acrossWorkers(packLayout(layout)))).toEqual(layout);
  });
});
