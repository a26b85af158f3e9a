/** Which state group holds the room state after each event. */
import type { EventId } from '../../core/ids.js';
import type { StateGroupId } from '../records.js';
import type { ObjectStore } from '../schema.js';

/** The `eventState` object store with its domain verbs. */
export class EventStateStore {
  constructor(private readonly store: ObjectStore<'eventState'>) {}

  /** The group holding the state after `eventId`, or undefined if not recorded. */
  async groupAfter(eventId: EventId): Promise<StateGroupId | undefined> {
    return (await this.store.get(eventId))?.groupId;
  }

  /** Records the state group after `eventId` (several events may share one group). */
  async setGroupAfter(eventId: EventId, groupId: StateGroupId): Promise<void> {
    await this.store.put({ eventId, groupId });
  }
}
