import { type StateKey, stateKeyOf } from '../pdu.js';
import { roomVersionRules } from '../room-versions.js';
import { splitConflictedState } from './conflicted-state.js';
import type { EventLookup } from './event-lookup.js';
import { fullConflictedSet } from './full-conflicted-set.js';
import { iterativeAuthChecks } from './iterative-auth-checks.js';
import { mainlineOrder } from './mainline-ordering.js';
import { sortPowerEvents } from './power-events.js';

/**
 * State resolution v2 (room versions 10, 11) and v2.1 (room version 12,
 * MSC4297): resolves `stateSets` (state key → event ID) into one state map.
 * `eventsById` holds every event of the state sets and of their auth chains,
 * keyed by event ID; all are taken as not rejected. A missing one raises
 * MissingEventError (M_NOT_FOUND) rather than being skipped, so two servers
 * never resolve differently because they skipped different events.
 * Pure and synchronous; hostile auth cycles terminate.
 * See doc/state-resolution.md.
 */
export function resolveState(
  roomVersion: string,
  stateSets: ReadonlyArray<ReadonlyMap<StateKey, string>>,
  eventsById: EventLookup,
): Map<StateKey, string> {
  const rules = roomVersionRules(roomVersion);
  const split = splitConflictedState(stateSets);
  if (split.conflicted.size === 0) return split.unconflicted;
  const full = fullConflictedSet(stateSets, split, eventsById, rules);

  // Step 1: power events of the full conflicted set (and their conflicted auth ancestors), sorted.
  const powerSorted = sortPowerEvents(full, eventsById, rules);

  // Step 2: iterative auth checks from the unconflicted state map; v2.1 from an empty map.
  const initial = rules.stateRes === 'v2.1' ? new Map<StateKey, string>() : split.unconflicted;
  const partial = iterativeAuthChecks(powerSorted, initial, eventsById, rules);

  // Step 3: the other events by mainline ordering based on the partial state's power levels.
  const picked = new Set(powerSorted);
  const remaining = [...full].filter((id) => !picked.has(id));
  const powerLevels = partial.get(stateKeyOf('m.room.power_levels', ''));
  const sorted = mainlineOrder(remaining, powerLevels, eventsById);

  // Step 4: iterative auth checks on the partial state.
  const resolved = iterativeAuthChecks(sorted, partial, eventsById, rules);

  // Step 5: the unconflicted state map wins.
  for (const [key, eventId] of split.unconflicted) resolved.set(key, eventId);
  return resolved;
}
