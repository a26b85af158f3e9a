import type { StateKey } from '../pdu.js';

/** A state map: `(type, state_key)` → event ID. */
export type StateMap = ReadonlyMap<StateKey, string>;

/** The state sets split by the spec's "Unconflicted state map and conflicted state set". */
export interface SplitState {
  /** Keys present in every state set with the same event ID. */
  readonly unconflicted: Map<StateKey, string>;
  /** Every other key, with each distinct event ID the sets hold for it. */
  readonly conflicted: Map<StateKey, Set<string>>;
}

/**
 * Spec "Unconflicted state map and conflicted state set": a key present in every
 * set with the same value is unconflicted; otherwise each of its values is
 * conflicted (a key missing from some set is conflicted too).
 */
export function splitConflictedState(stateSets: ReadonlyArray<StateMap>): SplitState {
  const unconflicted = new Map<StateKey, string>();
  const conflicted = new Map<StateKey, Set<string>>();
  const [first, ...rest] = stateSets;
  if (first === undefined) return { unconflicted, conflicted };

  for (const [key, eventId] of first) {
    if (rest.every((set) => set.get(key) === eventId)) {
      unconflicted.set(key, eventId);
    } else {
      conflicted.set(key, new Set([eventId]));
    }
  }
  for (const set of rest) {
    for (const [key, eventId] of set) {
      if (unconflicted.has(key)) continue;
      // A key not in the first set, or already found to differ.
      const values = conflicted.get(key);
      if (values === undefined) conflicted.set(key, new Set([eventId]));
      else values.add(eventId);
    }
  }
  return { unconflicted, conflicted };
}

/** Every event ID of the conflicted state set. */
export function conflictedEventIds(
  conflicted: ReadonlyMap<StateKey, ReadonlySet<string>>,
): Set<string> {
  const ids = new Set<string>();
  for (const values of conflicted.values()) for (const id of values) ids.add(id);
  return ids;
}
