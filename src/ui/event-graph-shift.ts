/**
 * Keeps boxes still in the DOM when a new layout only moves them all alike.
 * When the window of events slides (the oldest event leaves the top, a new
 * one joins the bottom), dagre places every remaining event one rank higher:
 * setting a new position on all 500 boxes makes the browser restyle some
 * 2,500 SVG elements, a long task of its own. Instead the boxes are drawn in
 * a group moved by `shift`, and each box's own coordinates are its position
 * minus the shift: after a uniform move, only the group's transform changes.
 */
import type { GraphLayout, Point } from './event-graph-geometry.js';

/**
 * The shift to draw `next` with, given the layout drawn before and its
 * shift: the old shift plus the move most of the shared events made, so those
 * keep their drawn coordinates; the old shift when no events are shared.
 */
export function stableShift(
  previous: { layout: GraphLayout; shift: Point } | undefined,
  next: GraphLayout,
): Point {
  if (previous === undefined) return { x: 0, y: 0 };
  const moves = new Map<string, { move: Point; count: number }>();
  let best: { move: Point; count: number } | undefined;
  for (const [eventId, at] of next.positions) {
    const before = previous.layout.positions.get(eventId);
    if (before === undefined) continue;
    const move = { x: at.x - before.x, y: at.y - before.y };
    const key = `${move.x} ${move.y}`;
    const entry = moves.get(key) ?? { move, count: 0 };
    entry.count++;
    moves.set(key, entry);
    if (best === undefined || entry.count > best.count) best = entry;
  }
  const { shift } = previous;
  return best === undefined ? shift : { x: shift.x + best.move.x, y: shift.y + best.move.y };
}
