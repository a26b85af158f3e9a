/**
 * A GraphLayout as a few typed arrays, to cross from the layout worker to the
 * page. Structured-cloning thousands of small point objects is itself a long
 * task on the page (tens of ms for 2,000 events, see bench/event-graph-bench.ts);
 * typed arrays are transferred, not copied, and unpacking is one pass.
 */
import type { GraphLayout, LayoutEdge, Point } from './event-graph-geometry.js';

/** A GraphLayout flattened: every coordinate in a Float64Array. */
export interface PackedLayout {
  /** Event IDs; `xy[2i]`, `xy[2i + 1]` is the centre of `ids[i]`. */
  ids: string[];
  xy: Float64Array;
  /** Per edge, the indexes in `ids` of its `from` and `to`. */
  edgeEnds: Uint32Array;
  /** Edge `e`'s points are points `pointStarts[e]` to `pointStarts[e + 1]` (exclusive). */
  pointStarts: Uint32Array;
  /** Two numbers (x, y) per point. */
  points: Float64Array;
  width: number;
  height: number;
  dangling: string[];
}

/** Flattens `layout`; edges keep their order. */
export function packLayout(layout: GraphLayout): PackedLayout {
  const ids = [...layout.positions.keys()];
  const index = new Map(ids.map((id, i) => [id, i]));
  const xy = new Float64Array(ids.length * 2);
  ids.forEach((id, i) => {
    const p = layout.positions.get(id) as Point;
    xy[2 * i] = p.x;
    xy[2 * i + 1] = p.y;
  });
  const edgeEnds = new Uint32Array(layout.edges.length * 2);
  const pointStarts = new Uint32Array(layout.edges.length + 1);
  let pointCount = 0;
  layout.edges.forEach((edge, e) => {
    edgeEnds[2 * e] = indexOf(index, edge.from);
    edgeEnds[2 * e + 1] = indexOf(index, edge.to);
    pointStarts[e] = pointCount;
    pointCount += edge.points.length;
  });
  pointStarts[layout.edges.length] = pointCount;
  const points = new Float64Array(pointCount * 2);
  let at = 0;
  for (const edge of layout.edges) {
    for (const p of edge.points) {
      points[at++] = p.x;
      points[at++] = p.y;
    }
  }
  const { width, height, dangling } = layout;
  return { ids, xy, edgeEnds, pointStarts, points, width, height, dangling: [...dangling] };
}

/** The buffers of `packed`, to transfer rather than copy. */
export function packedBuffers(packed: PackedLayout): ArrayBuffer[] {
  const { xy, edgeEnds, pointStarts, points } = packed;
  return [xy, edgeEnds, pointStarts, points].map((a) => a.buffer as ArrayBuffer);
}

/** The GraphLayout that `packed` was made from. */
export function unpackLayout(packed: PackedLayout): GraphLayout {
  const { ids, xy, edgeEnds, pointStarts, points } = packed;
  const positions = new Map<string, Point>();
  ids.forEach((id, i) => {
    positions.set(id, { x: xy[2 * i] ?? 0, y: xy[2 * i + 1] ?? 0 });
  });
  const edges: LayoutEdge[] = [];
  for (let e = 0; e + 1 < pointStarts.length; e++) {
    const edgePoints: Point[] = [];
    for (let p = pointStarts[e] ?? 0; p < (pointStarts[e + 1] ?? 0); p++) {
      edgePoints.push({ x: points[2 * p] ?? 0, y: points[2 * p + 1] ?? 0 });
    }
    edges.push({
      from: ids[edgeEnds[2 * e] ?? 0] ?? '',
      to: ids[edgeEnds[2 * e + 1] ?? 0] ?? '',
      points: edgePoints,
    });
  }
  return {
    positions,
    edges,
    width: packed.width,
    height: packed.height,
    dangling: packed.dangling,
  };
}

function indexOf(index: Map<string, number>, id: string): number {
  const i = index.get(id);
  // layoutGraph only draws edges between events it placed.
  if (i === undefined)
    throw new RangeError(`The layout has an edge to ${id}, which it did not place`);
  return i;
}
