import { type SplitState, type StateMap, splitConflictedState } from './conflicted-state.js';
import { type EventLookup, requireEvent } from './event-lookup.js';

/**
 * Spec "Auth chain", for a set of events: every event reachable by walking
 * `auth_events` from them. A starting event is included only if another one
 * reaches it. Events in `stopAt` are neither included nor walked through; pass
 * a set that is closed under auth ancestry (an auth chain) so nothing is lost.
 * Iterative with a visited set, so cycles in hostile graphs terminate.
 * A missing event raises MissingEventError.
 */
export function authChain(
  startIds: Iterable<string>,
  events: EventLookup,
  stopAt?: ReadonlySet<string>,
): Set<string> {
  const chain = new Set<string>();
  const stack: string[] = [];
  for (const id of startIds) stack.push(...requireEvent(events, id).auth_events);
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (chain.has(id) || stopAt?.has(id)) continue;
    chain.add(id);
    for (const authId of requireEvent(events, id).auth_events) {
      if (!chain.has(authId)) stack.push(authId);
    }
  }
  return chain;
}

/**
 * Spec "Auth difference": ∪Cᵢ − ∩Cᵢ, where Cᵢ is the full auth chain of state
 * set Sᵢ. Every Cᵢ contains the auth chain of the unconflicted state, so that
 * part is walked once and each set only walks what its conflicted entries add.
 */
export function authDifference(
  stateSets: ReadonlyArray<StateMap>,
  events: EventLookup,
  split: SplitState = splitConflictedState(stateSets),
): Set<string> {
  const common = authChain(split.unconflicted.values(), events);
  const counts = new Map<string, number>();
  for (const set of stateSets) {
    const own: string[] = [];
    for (const [key, id] of set) if (!split.unconflicted.has(key)) own.push(id);
    for (const id of authChain(own, events, common)) counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const difference = new Set<string>();
  for (const [id, count] of counts) if (count < stateSets.length) difference.add(id);
  return difference;
}
