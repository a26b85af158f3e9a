import { type EventLookup, requireEvent } from './event-lookup.js';

/**
 * Spec v12 / MSC4297 "Conflicted state subgraph": the union of all paths, along
 * `auth_events`, from one conflicted event to another, endpoints included. An
 * event is on such a path when a conflicted event reaches it and it reaches a
 * conflicted event, with at least one edge in all. Linear in the size of the
 * auth chain of the conflicted events: one walk down, one walk back up.
 */
export function conflictedStateSubgraph(
  conflicted: ReadonlySet<string>,
  events: EventLookup,
): Set<string> {
  // Down: reached from a conflicted event by one edge or more; `parents` keeps the reverse edges.
  const below = new Set<string>();
  const parents = new Map<string, string[]>();
  const stack: string[] = [];
  const visit = (from: string): void => {
    for (const authId of requireEvent(events, from).auth_events) {
      const list = parents.get(authId);
      if (list === undefined) parents.set(authId, [from]);
      else list.push(from);
      if (!below.has(authId)) {
        below.add(authId);
        stack.push(authId);
      }
    }
  };
  for (const id of conflicted) visit(id);
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (!conflicted.has(id)) visit(id);
  }

  // Up: among those events, the ones that reach a conflicted event by one edge or more.
  const above = new Set<string>();
  for (const id of conflicted) stack.push(id);
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    for (const parent of parents.get(id) ?? []) {
      if (!above.has(parent)) {
        above.add(parent);
        stack.push(parent);
      }
    }
  }

  const subgraph = new Set<string>();
  for (const id of below) if (above.has(id) || conflicted.has(id)) subgraph.add(id);
  for (const id of above) if (below.has(id) || conflicted.has(id)) subgraph.add(id);
  return subgraph;
}
