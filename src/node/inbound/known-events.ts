/**
 * What inbound batches stored or read lately, kept across batches so the next
 * batch does not read it again: event records whose status is final
 * (accepted, rejected, soft-failed) and the full state of state groups. Each
 * batch cites the previous batch's last event and the same few auth events
 * (create, power levels, the sender's membership), and starts from the
 * state group the previous batch left: without this, every batch re-read
 * them (with the state group's chain of deltas), a dozen IndexedDB requests
 * and structured clones of records already in memory.
 *
 * Why keeping them is safe: a record with a final status is never rewritten
 * except for its redaction and edit marks (which the checks do not read),
 * and a state group is never changed once written. Outliers are left out:
 * history may turn one into a timeline event (a `put`).
 */
import type { EventId } from '../../core/ids.js';
import type { StateKey } from '../../core/pdu.js';
import type { EventRecord, StateGroupId } from '../../store/records.js';

/** How many event records are kept (least recently used forgotten first). */
const RECORDS = 2_000;
/** How many state groups' full states are kept. */
const STATES = 16;

/** A bounded memory of stored event records and resolved state groups. */
export class KnownEvents {
  private readonly records = new Map<EventId, EventRecord>();
  private readonly states = new Map<StateGroupId, Map<StateKey, EventId>>();

  /** The stored record of `id`, if kept. */
  record(id: EventId): EventRecord | undefined {
    return touch(this.records, id);
  }

  /** Keeps a committed record (outliers are ignored: they may still change). */
  rememberRecord(record: EventRecord): void {
    if (record.status === 'outlier') return;
    put(this.records, record.eventId, record, RECORDS);
  }

  /** The full state of a stored group, if kept. Read-only: it is shared. */
  state(group: StateGroupId): Map<StateKey, EventId> | undefined {
    return touch(this.states, group);
  }

  /** Keeps the full state of a committed group. */
  rememberState(group: StateGroupId, state: Map<StateKey, EventId>): void {
    put(this.states, group, state, STATES);
  }
}

function touch<K, V>(map: Map<K, V>, key: K): V | undefined {
  const value = map.get(key);
  if (value === undefined) return undefined;
  map.delete(key);
  map.set(key, value);
  return value;
}

function put<K, V>(map: Map<K, V>, key: K, value: V, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > capacity) map.delete(map.keys().next().value as K);
}
