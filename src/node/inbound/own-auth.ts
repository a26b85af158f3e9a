/**
 * Check 4 on receipt of a PDU (all room versions): auth against the event's
 * own `auth_events`. Shared by the judge (timeline events) and the gap filler
 * (outliers, which get no other check: they have no place in the graph).
 * Rule 3 of the auth rules, which checkAuth leaves to the caller, comes
 * first: auth events unique per (type, state_key), each one the auth events
 * selection names, none rejected, all in this room; then checkAuth (v12: plus
 * the create event the room ID names, which auth_events must not list).
 */
import { authEventTypes } from '../../core/auth/auth-event-selection.js';
import { checkAuth } from '../../core/auth/check-auth.js';
import type { EventId } from '../../core/ids.js';
import { type Pdu, type StateKey, stateKeyOf } from '../../core/pdu.js';
import type { RoomVersionRules } from '../../core/room-versions.js';

/** What check 4 needs to know of an auth event. */
export interface KnownEvent {
  pdu: Pdu;
  status: string;
  /** The room it is stored under (undefined: this batch's, hence this room). */
  roomId?: string;
}

/** The (type, state key) pairs the auth events selection names for `pdu`. */
export function authSelection(pdu: Pdu, rules: RoomVersionRules): StateKey[] {
  return authEventTypes(pdu.type, pdu.state_key ?? '', pdu.sender, pdu.content, rules).map(
    ([type, key]) => stateKeyOf(type, key),
  );
}

/**
 * Why `pdu` fails check 4, or undefined when it passes. `lookup` finds each
 * auth event (every one must be known: callers check that first); `create`
 * is the v12 create event (undefined when unknown or not v12).
 */
export function ownAuthProblem(
  pdu: Pdu,
  roomId: string,
  rules: RoomVersionRules,
  selection: readonly StateKey[],
  lookup: (id: EventId) => KnownEvent | undefined,
  create: Pdu | undefined,
): string | undefined {
  const wanted = new Set(selection);
  const seen = new Set<StateKey>();
  const events: Pdu[] = [];
  for (const id of pdu.auth_events as EventId[]) {
    const known = lookup(id);
    if (known === undefined) return `auth event ${id} is unknown`;
    if (known.status === 'rejected') return `auth event ${id} was rejected`;
    if (known.roomId !== undefined && known.roomId !== roomId) {
      return `auth event ${id} is in another room`;
    }
    const event = known.pdu;
    if (typeof event.state_key !== 'string') return `auth event ${id} is not a state event`;
    const key = stateKeyOf(event.type, event.state_key);
    if (seen.has(key)) return `two auth events for ${event.type} ${event.state_key}`;
    seen.add(key);
    if (!wanted.has(key)) return `auth event ${id} (${event.type}) is not one the event needs`;
    events.push(event);
  }
  if (rules.createEventImpliedByRoomId) {
    if (create === undefined) return 'the create event is unknown';
    events.push(create);
  }
  const result = checkAuth(pdu, events, rules.id);
  return result.allowed ? undefined : result.reason;
}
