/**
 * The shapes of the event graph's drawing, apart from dagre: the page imports
 * these, and only the layout worker loads dagre itself.
 */

/** What the layout needs of an event. */
export interface LayoutInput {
  eventId: string;
  depth: number;
  prevEvents: readonly string[];
}

/** A point in the drawing, in CSS pixels. */
export interface Point {
  x: number;
  y: number;
}

/** One edge, from a prev event to the event citing it, as a polyline. */
export interface LayoutEdge {
  from: string;
  to: string;
  points: Point[];
}

/** The drawing. */
export interface GraphLayout {
  /** Each event's centre. */
  positions: Map<string, Point>;
  edges: LayoutEdge[];
  width: number;
  height: number;
  /** Events citing prev events that are not in the drawing (older than its window). */
  dangling: string[];
}

/** The box drawn for each event. */
export const NODE_WIDTH = 160;
export const NODE_HEIGHT = 52;

/**
 * At most this many events are laid out per event the view asks the node
 * for: the node adds rejected events and outliers to its window of `limit`
 * timeline events (up to 2 × limit found by depth, plus the window's prev
 * events), so the window alone does not bound the drawing.
 */
export const LAYOUT_NODES_PER_LIMIT = 2;

/**
 * The last `max` of `nodes`: roomGraph lists events without a stream order
 * first, oldest first, then the timeline window, so the oldest extras go first.
 */
export function boundNodes<T>(nodes: readonly T[], max: number): T[] {
  return nodes.length > max ? nodes.slice(nodes.length - max) : [...nodes];
}
