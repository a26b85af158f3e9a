import { compareCodePoints } from '../canonical-json.js';
import { MinHeap } from './binary-heap.js';

/** What the spec's tie-break compares besides the event ID. */
export interface PowerSortKey {
  /** Power level of the sender, as the event's own auth events give it (may be Infinity, v12). */
  readonly powerLevel: number;
  readonly originServerTs: number;
}

interface Vertex extends PowerSortKey {
  readonly eventId: string;
}

/** Spec comparison: x < y if greater sender power, else smaller origin_server_ts, else smaller event ID. */
function compareVertices(x: Vertex, y: Vertex): number {
  if (x.powerLevel !== y.powerLevel) return x.powerLevel > y.powerLevel ? -1 : 1;
  if (x.originServerTs !== y.originServerTs) return x.originServerTs < y.originServerTs ? -1 : 1;
  return compareCodePoints(x.eventId, y.eventId);
}

/**
 * Spec "Reverse topological power ordering": the lexicographically smallest
 * topological order of the auth DAG, earliest first, by Kahn's algorithm taking
 * the smallest ready vertex each step. `graph` maps each event ID to its auth
 * events; edges to IDs that are not keys of `graph` are ignored. Vertices on a
 * cycle (impossible with hashed event IDs) are never ready: they follow the rest,
 * in tie-break order, so hostile input still terminates with every vertex.
 */
export function reverseTopologicalPowerOrder(
  graph: ReadonlyMap<string, ReadonlySet<string>>,
  keyOf: (eventId: string) => PowerSortKey,
): string[] {
  const vertices = new Map<string, Vertex>();
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  const ready = new MinHeap<Vertex>(compareVertices);

  for (const [eventId, authIds] of graph) {
    const vertex = { eventId, ...keyOf(eventId) };
    vertices.set(eventId, vertex);
    let count = 0;
    for (const authId of authIds) {
      if (!graph.has(authId)) continue;
      count++;
      const list = dependents.get(authId);
      if (list === undefined) dependents.set(authId, [eventId]);
      else list.push(eventId);
    }
    pending.set(eventId, count);
    if (count === 0) ready.push(vertex);
  }

  const order: string[] = [];
  for (let vertex = ready.pop(); vertex !== undefined; vertex = ready.pop()) {
    order.push(vertex.eventId);
    pending.delete(vertex.eventId);
    for (const dependent of dependents.get(vertex.eventId) ?? []) {
      const left = (pending.get(dependent) ?? 0) - 1;
      pending.set(dependent, left);
      if (left === 0) ready.push(vertices.get(dependent) as Vertex);
    }
  }

  // Only vertices on (or behind) a cycle remain.
  const stuck = [...pending.keys()].map((id) => vertices.get(id) as Vertex).sort(compareVertices);
  for (const vertex of stuck) order.push(vertex.eventId);
  return order;
}
