import type { RoomVersionRules } from '../room-versions.js';
import { authDifference } from './auth-chain.js';
import { conflictedEventIds, type SplitState, type StateMap } from './conflicted-state.js';
import { conflictedStateSubgraph } from './conflicted-subgraph.js';
import type { EventLookup } from './event-lookup.js';

/**
 * Spec "Full conflicted set": the conflicted state set and the auth difference;
 * from v12 (state res v2.1, MSC4297) also the conflicted state subgraph.
 */
export function fullConflictedSet(
  stateSets: ReadonlyArray<StateMap>,
  split: SplitState,
  events: EventLookup,
  rules: RoomVersionRules,
): Set<string> {
  const conflicted = conflictedEventIds(split.conflicted);
  const full = authDifference(stateSets, events, split);
  for (const id of conflicted) full.add(id);
  // v2.1 only: events on auth paths between conflicted events.
  if (rules.stateRes === 'v2.1') {
    for (const id of conflictedStateSubgraph(conflicted, events)) full.add(id);
  }
  return full;
}
