/**
 * What the view keeps of a graph read from the node, before any layout: the
 * read bounded to what the view lays out, and the key that says whether it
 * would draw anything new. Pure; no lit, no worker.
 */
import type { RoomGraph } from '../node/room-graph.js';
import { boundNodes, LAYOUT_NODES_PER_LIMIT } from './event-graph-geometry.js';

/**
 * `read` with at most LAYOUT_NODES_PER_LIMIT × `limit` nodes: the layout's
 * cost grows with the events drawn, so it is bounded whatever the node adds.
 * Cutting nodes marks the graph truncated.
 */
export function boundGraph(read: RoomGraph, limit: number): RoomGraph {
  const nodes = boundNodes(read.nodes, LAYOUT_NODES_PER_LIMIT * limit);
  return {
    ...read,
    nodes,
    truncated: read.truncated || nodes.length < read.nodes.length,
  };
}

/**
 * What a layout of `graph` depends on: the room, the heads, the events and
 * their statuses. Laying out is the costly part, so a read with the same key
 * as the drawing only refreshes its words (status reasons).
 */
export function drawingKey(roomId: string, graph: RoomGraph): string {
  return JSON.stringify([roomId, graph.heads, graph.nodes.map((n) => [n.eventId, n.status])]);
}
