import { userPowerLevel } from '../auth/power-levels.js';
import type { RoomVersionRules } from '../room-versions.js';
import {
  createEventFor,
  type EventLookup,
  isPowerEvent,
  powerLevelsAuthEventId,
  requireEvent,
} from './event-lookup.js';
import { type PowerSortKey, reverseTopologicalPowerOrder } from './reverse-topological-order.js';

/**
 * The power level of `eventId`'s sender "when looking at their respective
 * auth_events": the power levels event it cites, and the create event (cited,
 * or implied by the room ID in v12) for creators' power.
 */
export function senderPowerLevel(
  eventId: string,
  events: EventLookup,
  rules: RoomVersionRules,
): number {
  const event = requireEvent(events, eventId);
  const powerLevelsId = powerLevelsAuthEventId(event, events);
  const powerLevels = powerLevelsId === undefined ? undefined : requireEvent(events, powerLevelsId);
  return userPowerLevel(event.sender, powerLevels, createEventFor(event, events, rules), rules);
}

/**
 * Algorithm step 1's set X as a graph: the power events of the full conflicted
 * set, enlarged by the events of their auth chains that are in the full
 * conflicted set. Like Synapse and ruma, the walk goes through members of the
 * full conflicted set only, and each vertex maps to its auth events in X.
 */
export function powerEventGraph(
  fullConflicted: ReadonlySet<string>,
  events: EventLookup,
): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  const stack: string[] = [];
  for (const id of fullConflicted) if (isPowerEvent(requireEvent(events, id))) stack.push(id);
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (graph.has(id)) continue;
    const edges = new Set<string>();
    graph.set(id, edges);
    for (const authId of requireEvent(events, id).auth_events) {
      if (!fullConflicted.has(authId)) continue;
      edges.add(authId);
      if (!graph.has(authId)) stack.push(authId);
    }
  }
  return graph;
}

/** Algorithm step 1: X sorted by the reverse topological power ordering, earliest first. */
export function sortPowerEvents(
  fullConflicted: ReadonlySet<string>,
  events: EventLookup,
  rules: RoomVersionRules,
): string[] {
  const keyOf = (id: string): PowerSortKey => ({
    powerLevel: senderPowerLevel(id, events, rules),
    originServerTs: requireEvent(events, id).origin_server_ts,
  });
  return reverseTopologicalPowerOrder(powerEventGraph(fullConflicted, events), keyOf);
}
