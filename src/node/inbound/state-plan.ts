/**
 * State groups planned in memory, written later. A group's ID is allocated
 * by IndexedDB, so during judging a group is a reference: a stored group's ID,
 * or the index of a planned group (a delta over another reference). The write
 * creates the planned groups in order and maps each reference to a real ID.
 */
import type { EventId } from '../../core/ids.js';
import type { StateKey } from '../../core/pdu.js';
import type { StateGroupId } from '../../store/records.js';
import type { StateDelta } from '../../store/stores/state-groups-store.js';

/** A stored group, or a planned one by its index in StatePlan.groups. */
export type GroupRef = { stored: StateGroupId } | { planned: number };

/** A group to create: `delta` over `base`. */
export interface PlannedGroup {
  base: GroupRef;
  delta: StateDelta;
}

/** A state held in memory with the group that stores it. */
export interface KnownState {
  state: Map<StateKey, EventId>;
  group: GroupRef;
}

/** The groups a batch will create. */
export class StatePlan {
  readonly groups: PlannedGroup[] = [];

  /** The group for `target`: `base`'s own if equal, else a new delta over it. */
  derive(base: KnownState, target: Map<StateKey, EventId>): KnownState {
    // A message after its one prev: the very same map, no need to compare every key.
    if (target === base.state) return base;
    const delta = diff(base.state, target);
    if (Object.keys(delta).length === 0) return { state: target, group: base.group };
    this.groups.push({ base: base.group, delta });
    return { state: target, group: { planned: this.groups.length - 1 } };
  }
}

/** The delta taking `from` to `to` (null clears a key). */
export function diff(from: Map<StateKey, EventId>, to: Map<StateKey, EventId>): StateDelta {
  const delta: StateDelta = {};
  for (const [key, id] of to) if (from.get(key) !== id) delta[key] = id;
  for (const key of from.keys()) if (!to.has(key)) delta[key] = null;
  return delta;
}

/** True when both maps hold the same entries. */
export function sameState(a: Map<StateKey, EventId>, b: Map<StateKey, EventId>): boolean {
  if (a === b) return true;
  return a.size === b.size && Object.keys(diff(a, b)).length === 0;
}
