/**
 * Room state while a batch is being prepared: the committed state (read-only)
 * with the batch's own state events laid over it. Each event of a batch is
 * authorised against the state after the previous one, and nothing touches the
 * committed maps until the write has committed, so a refused or failed batch
 * leaves the node's view exactly as it was. The overlay costs nothing for a
 * batch of messages, however large the room's state.
 */
import type { EventId } from '../core/ids.js';
import type { Pdu, StateKey } from '../core/pdu.js';
import { stateKeyOf } from '../core/pdu.js';

/** The committed state a batch starts from. */
export interface BaseState {
  state: ReadonlyMap<StateKey, EventId>;
  events: ReadonlyMap<EventId, Pdu>;
}

/** The empty state a new room starts from. */
export const emptyState: BaseState = { state: new Map(), events: new Map() };

/** The base state plus the batch's changes so far. */
export class WorkingState {
  /** State keys the batch changed, in order, to the event now filling each. */
  readonly changes = new Map<StateKey, EventId>();
  private readonly added = new Map<EventId, Pdu>();

  constructor(private readonly base: BaseState) {}

  /** The event at `(type, stateKey)`, or undefined. */
  get(type: string, stateKey: string): Pdu | undefined {
    const id = this.idAt(stateKeyOf(type, stateKey));
    return id === undefined ? undefined : this.event(id);
  }

  /** The event ID at a state key, or undefined. */
  idAt(key: StateKey): EventId | undefined {
    return this.changes.get(key) ?? this.base.state.get(key);
  }

  /** A state event of the base or of the batch. */
  event(eventId: EventId): Pdu | undefined {
    return this.added.get(eventId) ?? this.base.events.get(eventId);
  }

  /** Records that `pdu` (a state event) now fills its state key. */
  set(eventId: EventId, pdu: Pdu & { state_key: string }): void {
    this.changes.set(stateKeyOf(pdu.type, pdu.state_key), eventId);
    this.added.set(eventId, pdu);
  }

  /** Every (state key, event) of the state after the batch. */
  *entries(): IterableIterator<[StateKey, EventId]> {
    for (const [key, id] of this.base.state) if (!this.changes.has(key)) yield [key, id];
    yield* this.changes;
  }

  /** Applies the batch's changes to the committed maps: call only after the commit. */
  applyTo(state: Map<StateKey, EventId>, events: Map<EventId, Pdu>): void {
    for (const [key, id] of this.changes) {
      const old = state.get(key);
      if (old !== undefined && old !== id) events.delete(old);
      state.set(key, id);
      const pdu = this.added.get(id);
      if (pdu !== undefined) events.set(id, pdu);
    }
  }
}
