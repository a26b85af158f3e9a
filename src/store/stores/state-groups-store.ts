/**
 * Room state as shared state groups: each group is a delta over a previous group,
 * with a full snapshot every `snapshotInterval` deltas so resolving never walks
 * far. Events that change no state share their predecessor's group, so storage
 * grows with state changes, not with events × state size. See doc/storage.md.
 */
import type { EventId, RoomId } from '../../core/ids.js';
import type { StateKey } from '../../core/pdu.js';
import { StoreMissingRecordError } from '../errors.js';
import type { StateGroupId, StateGroupRecord } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** A change to room state: the event now filling each key, or null to clear it. */
export type StateDelta = Record<StateKey, EventId | null>;

/** Deltas between two snapshots: bounds the reads a `resolve` needs. */
export const defaultSnapshotInterval = 32;

/** The `stateGroups` object store with its domain verbs. */
export class StateGroupsStore {
  constructor(
    private readonly store: ObjectStore<'stateGroups'>,
    private readonly snapshotInterval = defaultSnapshotInterval,
  ) {}

  /** The raw group record (snapshot or delta), or undefined. */
  get(groupId: StateGroupId): Promise<StateGroupRecord | undefined> {
    return this.store.get(groupId);
  }

  /**
   * The group for `prevGroup`'s state with `delta` applied. An empty delta returns
   * `prevGroup` itself (shared, nothing written); no `prevGroup` makes a snapshot.
   */
  async create(
    roomId: RoomId,
    prevGroup: StateGroupId | undefined,
    delta: StateDelta,
  ): Promise<StateGroupId> {
    if (prevGroup === undefined) return this.snapshot(roomId, applyDelta(new Map(), delta));
    const prev = await this.require(prevGroup);
    if (Object.keys(delta).length === 0) return prevGroup;
    const depthFromSnapshot = prev.depthFromSnapshot + 1;
    if (depthFromSnapshot >= this.snapshotInterval) {
      return this.snapshot(roomId, applyDelta(await this.resolve(prevGroup), delta));
    }
    return this.insert({ roomId, prevGroup, delta: { ...delta }, depthFromSnapshot });
  }

  /** The full state of a group: its snapshot with the deltas after it applied in order. */
  async resolve(groupId: StateGroupId): Promise<Map<StateKey, EventId>> {
    const chain: StateGroupRecord[] = [];
    let next: StateGroupId | undefined = groupId;
    while (next !== undefined) {
      const group: StateGroupRecord = await this.require(next);
      chain.push(group);
      next = group.prevGroup;
    }
    const state = new Map<StateKey, EventId>();
    for (const group of chain.reverse()) applyDelta(state, group.delta);
    return state;
  }

  private snapshot(roomId: RoomId, state: Map<StateKey, EventId>): Promise<StateGroupId> {
    return this.insert({ roomId, delta: Object.fromEntries(state), depthFromSnapshot: 0 });
  }

  private async insert(record: StateGroupRecord): Promise<StateGroupId> {
    // Out-of-line auto-increment key: IndexedDB allocates the ID.
    return this.store.add(record);
  }

  private async require(groupId: StateGroupId): Promise<StateGroupRecord> {
    const group = await this.store.get(groupId);
    if (group === undefined) throw new StoreMissingRecordError(`State group ${groupId} is missing`);
    return group;
  }
}

/** Applies `delta` to `state` in place (null removes the key) and returns it. */
function applyDelta(state: Map<StateKey, EventId>, delta: StateDelta): Map<StateKey, EventId> {
  for (const [key, eventId] of Object.entries(delta)) {
    if (eventId === null) state.delete(key);
    else state.set(key, eventId);
  }
  return state;
}
