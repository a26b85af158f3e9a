import { authEventTypes } from '../auth/auth-event-selection.js';
import { type AuthResult, checkAuth } from '../auth/check-auth.js';
import { type Pdu, type StateKey, stateKeyOf } from '../pdu.js';
import type { RoomVersionRules } from '../room-versions.js';
import { createEventFor, type EventLookup, requireEvent } from './event-lookup.js';

/** The authorization rules as iterative auth checks call them (checkAuth, or a stand-in in tests). */
export type AuthCheck = (event: Pdu, authEvents: Iterable<Pdu>, roomVersion: string) => AuthResult;

/**
 * The events the auth rules look up for `event`: its own `auth_events`, each
 * replaced by the entry of `state` for the same key where the auth event
 * selection asks for that key; and in v12 the create event the room ID implies.
 * Every event given is taken as not rejected (the caller passes only events
 * that passed auth against their auth events).
 */
export function authEventsFor(
  event: Pdu,
  state: ReadonlyMap<StateKey, string>,
  events: EventLookup,
  rules: RoomVersionRules,
): Map<StateKey, Pdu> {
  const byKey = new Map<StateKey, Pdu>();
  for (const id of event.auth_events) {
    const authEvent = requireEvent(events, id);
    if (typeof authEvent.state_key !== 'string') continue;
    byKey.set(stateKeyOf(authEvent.type, authEvent.state_key), authEvent);
  }
  if (rules.createEventImpliedByRoomId) {
    const create = createEventFor(event, events, rules);
    if (create !== undefined) byKey.set(stateKeyOf('m.room.create', ''), create);
  }
  const stateKey = event.state_key ?? '';
  for (const [type, key] of authEventTypes(
    event.type,
    stateKey,
    event.sender,
    event.content,
    rules,
  )) {
    const id = state.get(stateKeyOf(type, key));
    if (id !== undefined) byKey.set(stateKeyOf(type, key), requireEvent(events, id));
  }
  return byKey;
}

/**
 * Spec "Iterative auth checks": starting from `initialState`, apply each state
 * event of `eventIds` in order if the authorization rules allow it against the
 * state built so far (falling back to its own auth events for missing keys);
 * an event that is not allowed is ignored, as is a non-state event.
 */
export function iterativeAuthChecks(
  eventIds: Iterable<string>,
  initialState: ReadonlyMap<StateKey, string>,
  events: EventLookup,
  rules: RoomVersionRules,
  check: AuthCheck = checkAuth,
): Map<StateKey, string> {
  const state = new Map(initialState);
  for (const eventId of eventIds) {
    const event = requireEvent(events, eventId);
    if (typeof event.state_key !== 'string') continue;
    const authEvents = authEventsFor(event, state, events, rules);
    if (check(event, authEvents.values(), rules.id).allowed) {
      state.set(stateKeyOf(event.type, event.state_key), eventId);
    }
  }
  return state;
}
