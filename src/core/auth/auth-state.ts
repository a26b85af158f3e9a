import { canonicalJson } from '../canonical-json.js';
import { isJsonObject } from '../json.js';
import { type Pdu, type StateKey, stateKeyOf } from '../pdu.js';

/**
 * The room state the authorization rules consult for one event, keyed by
 * `(type, state_key)`. Built from whatever events the caller passes; entries
 * the rules do not ask for are simply never looked at.
 */
export class AuthState {
  private constructor(private readonly byKey: ReadonlyMap<StateKey, Pdu>) {}

  /**
   * Indexes `authEvents`, or returns a reason when two different events claim
   * the same `(type, state_key)` (rule 3.1: the rules would be ambiguous).
   * Events without a state key are not state and are ignored.
   */
  static from(authEvents: Iterable<Pdu>): AuthState | string {
    const byKey = new Map<StateKey, Pdu>();
    for (const event of authEvents) {
      if (typeof event !== 'object' || event === null) return 'auth event is not an object';
      if (typeof event.type !== 'string' || typeof event.state_key !== 'string') continue;
      const key = stateKeyOf(event.type, event.state_key);
      const other = byKey.get(key);
      if (other !== undefined && other !== event && !sameEvent(other, event)) {
        return `duplicate auth events for ${event.type} "${event.state_key}"`;
      }
      byKey.set(key, event);
    }
    return new AuthState(byKey);
  }

  /** Every indexed event. */
  events(): IterableIterator<Pdu> {
    return this.byKey.values();
  }

  get(type: string, stateKey: string): Pdu | undefined {
    return this.byKey.get(stateKeyOf(type, stateKey));
  }

  get create(): Pdu | undefined {
    return this.get('m.room.create', '');
  }

  get powerLevels(): Pdu | undefined {
    return this.get('m.room.power_levels', '');
  }

  /**
   * The join rule, or `invite` when the room has no join rules event (as
   * Synapse and ruma read it: nobody may join uninvited).
   */
  get joinRule(): string {
    const event = this.get('m.room.join_rules', '');
    const rule =
      event !== undefined && isJsonObject(event.content) ? event.content.join_rule : undefined;
    return typeof rule === 'string' ? rule : 'invite';
  }

  /** `userId`'s current membership, `leave` when they have no member event. */
  membership(userId: string): string {
    const event = this.get('m.room.member', userId);
    const membership =
      event !== undefined && isJsonObject(event.content) ? event.content.membership : undefined;
    return typeof membership === 'string' ? membership : 'leave';
  }
}

/** Two copies of one event (e.g. loaded twice) are not a conflict. */
function sameEvent(a: Pdu, b: Pdu): boolean {
  try {
    return canonicalJson(a) === canonicalJson(b);
  } catch {
    return false;
  }
}
