import { compareCodePoints } from '../canonical-json.js';
import { type EventLookup, powerLevelsAuthEventId, requireEvent } from './event-lookup.js';

/**
 * Spec "Mainline ordering": the mainline of P₀ is P₀, the power levels event in
 * its auth events, and so on. Returns event ID → index i (P₀ has 0).
 * A (hostile) cycle ends the mainline where it would repeat.
 */
export function mainlineOf(
  powerLevelsId: string | undefined,
  events: EventLookup,
): Map<string, number> {
  const mainline = new Map<string, number>();
  for (let id = powerLevelsId; id !== undefined && !mainline.has(id); ) {
    mainline.set(id, mainline.size);
    id = powerLevelsAuthEventId(requireEvent(events, id), events);
  }
  return mainline;
}

/**
 * Spec "mainline position" of every event in `eventIds`: the index of the first
 * of e₁, e₂, … (power levels events reached through `auth_events`, e₀ itself
 * excluded) on the mainline, or Infinity when none is. Memoised across events,
 * so sorting n events walks each power levels event once.
 */
export function mainlinePositions(
  eventIds: Iterable<string>,
  mainline: ReadonlyMap<string, number>,
  events: EventLookup,
): Map<string, number> {
  const memo = new Map<string, number>();
  const positionFrom = (start: string | undefined): number => {
    const path: string[] = [];
    const onPath = new Set<string>();
    let position = Number.POSITIVE_INFINITY;
    for (let id = start; id !== undefined && !onPath.has(id); ) {
      const known = mainline.get(id) ?? memo.get(id);
      if (known !== undefined) {
        position = known;
        break;
      }
      path.push(id);
      onPath.add(id);
      id = powerLevelsAuthEventId(requireEvent(events, id), events);
    }
    for (const id of path) memo.set(id, position);
    return position;
  };

  const positions = new Map<string, number>();
  for (const id of eventIds) {
    positions.set(id, positionFrom(powerLevelsAuthEventId(requireEvent(events, id), events)));
  }
  return positions;
}

/**
 * Spec "Mainline ordering based on P": x < y if x's mainline position is
 * greater (based on an earlier power levels event; none at all sorts first),
 * else smaller origin_server_ts, else smaller event ID.
 */
export function mainlineOrder(
  eventIds: Iterable<string>,
  powerLevelsId: string | undefined,
  events: EventLookup,
): string[] {
  const positions = mainlinePositions(eventIds, mainlineOf(powerLevelsId, events), events);
  const keyed = [...positions].map(([id, position]) => ({
    id,
    position,
    ts: requireEvent(events, id).origin_server_ts,
  }));
  keyed.sort((x, y) => {
    if (x.position !== y.position) return x.position > y.position ? -1 : 1;
    if (x.ts !== y.ts) return x.ts < y.ts ? -1 : 1;
    return compareCodePoints(x.id, y.id);
  });
  return keyed.map((entry) => entry.id);
}
