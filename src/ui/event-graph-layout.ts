/**
 * Places the event graph with dagre: parents above children (edges run
 * prev → event, top to bottom), concurrent events side by side. Pure and
 * deterministic: nodes are added in (depth, event ID) order whatever order
 * they come in, so two tabs with the same events draw the same picture.
 */
import dagre from '@dagrejs/dagre';
import {
  type GraphLayout,
  type LayoutEdge,
  type LayoutInput,
  NODE_HEIGHT,
  NODE_WIDTH,
  type Point,
} from './event-graph-geometry.js';

// The drawing types and constants moved there; importers of this module keep working.
export * from './event-graph-geometry.js';

const MARGIN = 16;

/** Lays out `nodes`; prev events not among them are left out (see `dangling`). */
export function layoutGraph(nodes: readonly LayoutInput[]): GraphLayout {
  const sorted = [...nodes].sort(
    (a, b) => a.depth - b.depth || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0),
  );
  const ids = new Set(sorted.map((n) => n.eventId));
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 36, marginx: MARGIN, marginy: MARGIN });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of sorted) g.setNode(n.eventId, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const dangling: string[] = [];
  for (const n of sorted) {
    // Sorted so the edge order, and so the crossing reduction, is the same every time.
    const prevs = [...new Set(n.prevEvents)].sort();
    if (prevs.some((p) => !ids.has(p))) dangling.push(n.eventId);
    for (const p of prevs) if (ids.has(p) && p !== n.eventId) g.setEdge(p, n.eventId);
  }
  dagre.layout(g);
  const positions = new Map<string, Point>();
  for (const n of sorted) {
    const { x = 0, y = 0 } = g.node(n.eventId);
    positions.set(n.eventId, { x, y });
  }
  const edges: LayoutEdge[] = g.edges().map((e) => ({
    from: e.v,
    to: e.w,
    points: (g.edge(e).points ?? []).map(({ x, y }: Point) => ({ x, y })),
  }));
  const label = g.graph();
  return {
    positions,
    edges,
    width: Math.max(label.width ?? 0, NODE_WIDTH + 2 * MARGIN),
    height: Math.max(label.height ?? 0, NODE_HEIGHT + 2 * MARGIN),
    dangling,
  };
}
